import type { MsgHdrs } from '@nats-io/nats-core';
import type { Static } from 'typebox';

import type { EventDefinition, MessageRegistry } from '../messages/index.js';
import { UndecodableBusMessageError } from './errors.js';
import { BUS_HEADERS } from './headers.js';

/** A bus message as a consumer's handler sees it: typed, validated, in its current version. */
export interface BusMessage<Name extends string = string, Data = unknown> {
  readonly type: Name;
  /** The data in the consumer's current version of the type (older versions upcast). */
  readonly data: Data;
  /** The message id (`Nats-Msg-Id`, the event id); the inbox key. */
  readonly id: string;
  readonly subject: string;
  /** Its sequence in the JetStream stream: what `strata parked retry|skip` names. */
  readonly streamSequence: number;
  /** The schema version it was published with (`Strata-Schema-Version`). */
  readonly publishedVersion: number;
  /** The Strata stream it was appended to and its version there, when the publisher said. */
  readonly streamId?: string;
  readonly streamVersion?: number;
  /** Its position in the publisher's log (`Strata-Position`), when given. */
  readonly position?: string;
}

/** The typed bus message of each definition of a union. */
export type BusMessageOf<D extends EventDefinition> = D extends EventDefinition
  ? BusMessage<D['name'], Static<D['schema']>>
  : never;

/** A stored or delivered JetStream message, whichever way it was read. */
export interface RawBusMessage {
  readonly subject: string;
  readonly streamSequence: number;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
}

const header = (headers: MsgHdrs | undefined, name: string): string | undefined => {
  const value = headers?.get(name) ?? '';
  return value === '' ? undefined : value;
};

const VERSION_TOKEN = /\.v(\d+)$/;

/** The published schema version: its header, else the subject's last token (`…v2`). */
function publishedVersion(raw: RawBusMessage): number | undefined {
  const text =
    header(raw.headers, BUS_HEADERS.schemaVersion) ?? VERSION_TOKEN.exec(raw.subject)?.[1];
  const version = Number(text);
  return Number.isInteger(version) && version > 0 ? version : undefined;
}

/** The message id: `Nats-Msg-Id`, else `<subject>#<sequence>` (unique in the stream). */
export function messageIdOf(raw: RawBusMessage): string {
  return header(raw.headers, BUS_HEADERS.msgId) ?? `${raw.subject}#${raw.streamSequence}`;
}

/** The message's type as its publisher named it (`ce-type`), for parking and logs. */
export function messageTypeOf(raw: RawBusMessage): string {
  return header(raw.headers, BUS_HEADERS.ceType) ?? raw.subject;
}

/** The Strata stream and version the message came from, when the publisher said. */
export function streamOf(raw: RawBusMessage): { streamId?: string; streamVersion?: number } {
  const streamId = header(raw.headers, BUS_HEADERS.stream);
  const streamVersion = Number(header(raw.headers, BUS_HEADERS.streamVersion));
  return {
    ...(streamId === undefined ? {} : { streamId }),
    ...(Number.isInteger(streamVersion) && streamVersion > 0 ? { streamVersion } : {}),
  };
}

/**
 * Reads `raw` as one of the consumer's event types: JSON payload, upcast from the published
 * version to the current one and validated against the current schema. Throws
 * `UndecodableBusMessageError` when any of that fails.
 */
export function decodeBusMessage(raw: RawBusMessage, registry: MessageRegistry): BusMessage {
  const fail = (reason: string, cause?: unknown) =>
    new UndecodableBusMessageError(
      raw.subject,
      raw.streamSequence,
      reason,
      cause === undefined ? undefined : { cause },
    );
  const type = header(raw.headers, BUS_HEADERS.ceType);
  if (type === undefined) throw fail('no ce-type header');
  if (registry.get(type)?.kind !== 'event') throw fail(`the consumer does not handle ${type}`);
  const version = publishedVersion(raw);
  if (version === undefined) throw fail('no schema version (header or subject)');
  let data: unknown;
  try {
    data = registry.upcast(type, version, JSON.parse(new TextDecoder().decode(raw.data)));
    registry.validate(type, data);
  } catch (cause) {
    throw fail(`${type} v${version} is not valid`, cause);
  }
  const position = header(raw.headers, BUS_HEADERS.position);
  return {
    type,
    data,
    id: messageIdOf(raw),
    subject: raw.subject,
    streamSequence: raw.streamSequence,
    publishedVersion: version,
    ...streamOf(raw),
    ...(position === undefined ? {} : { position }),
  };
}
