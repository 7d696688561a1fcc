import type { JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';

import type { MessageRegistry } from '../../messages/index.js';
import { asyncApiDocument } from '../asyncapi.js';
import { busMessages } from '../catalog.js';
import { DEFAULT_SUBJECT_PREFIX, subjectToken, type SubjectSpace } from '../subjects.js';

/** The key of the AsyncAPI document in the schema bucket (a subject has five tokens or more). */
export const ASYNCAPI_KEY = 'asyncapi.json';

/** How many values of a key the bucket keeps: a schema edited in place stays readable a while. */
const HISTORY = 5;

/** What `publishSchemas` publishes, and where. */
export interface SchemaPublicationOptions extends SubjectSpace {
  readonly registry: MessageRegistry;
  /** The KV bucket; default `schemaBucketName(space)` (`strata_devpie_schemas`). */
  readonly bucket?: string;
  /** Replicas of the bucket when it is created (match the app's stream in a cluster); default 1. */
  readonly replicas?: number;
}

/** What one run of `publishSchemas` did. */
export interface SchemaPublication {
  readonly bucket: string;
  /** Keys whose value was new or changed, in the order written; empty when nothing changed. */
  readonly written: readonly string[];
  /** Keys that already held the same value. */
  readonly unchanged: readonly string[];
}

/** The default schema bucket of an app: its prefix and name, `_`-joined (`strata_devpie_schemas`). */
export function schemaBucketName(space: SubjectSpace): string {
  const tokens = [...(space.prefix ?? DEFAULT_SUBJECT_PREFIX).split('.'), space.app];
  return `${tokens.map(subjectToken).join('_')}_schemas`;
}

/** Puts `value` under `key` unless the key's current value is the same; says whether it wrote. */
async function putIfChanged(kv: KV, key: string, value: string): Promise<boolean> {
  const current = await kv.get(key);
  if (current?.operation === 'PUT' && current.string() === value) return false;
  await kv.put(key, value);
  return true;
}

/**
 * Publishes the app's bus schemas to a JetStream KV bucket (created if missing): the payload's
 * JSON Schema of every subject under the subject itself as key (each event type at each schema
 * version, as `busMessages` lists them), and the AsyncAPI document under `asyncapi.json`, so a
 * service in any language can fetch what it generates types from. Idempotent: a key that holds
 * the same value is not written again, so a re-run with unchanged schemas writes nothing. Keys of
 * subjects the app no longer has stay: messages on those subjects may still be in the stream.
 * Fails with the NATS client's error when JetStream is unavailable or a value exceeds the
 * server's payload limit.
 *
 * @example
 * const nc = await connect({ servers: process.env.NATS_URL });
 * await publishSchemas(nc, { app: system.app.name, registry: system.registry, prefix: 'strata' });
 */
export async function publishSchemas(
  nats: NatsConnection | JetStreamClient,
  options: SchemaPublicationOptions,
): Promise<SchemaPublication> {
  const { registry, bucket = schemaBucketName(options), replicas = 1, ...space } = options;
  const kv = await new Kvm(nats).create(bucket, {
    history: HISTORY,
    replicas,
    description: `JSON Schemas and AsyncAPI document of the subjects of ${space.app}`,
  });
  const entries: [string, unknown][] = [
    ...busMessages(space, registry).map((message): [string, unknown] => [
      message.subject,
      message.schema,
    ]),
    [ASYNCAPI_KEY, asyncApiDocument({ ...space, registry })],
  ];
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const [key, value] of entries) {
    const wrote = await putIfChanged(kv, key, JSON.stringify(value));
    (wrote ? written : unchanged).push(key);
  }
  return { bucket, written, unchanged };
}
