import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Type } from 'typebox';
import { afterAll, beforeAll, expect, it } from 'vitest';

import {
  ASYNCAPI_KEY,
  asyncApiDocument,
  publishSchemas,
  schemaBucketName,
} from '../../src/bus/index.js';
import { createMessageRegistry, defineEvent } from '../../src/messages/index.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import { ThingHappened, ThingRenamed, ThingSized, testRegistry } from '../support/test-messages.js';

const SUBJECTS = [
  'strata.lab.test.ThingHappened.v1',
  'strata.lab.test.ThingRenamed.v1',
  'strata.lab.test.ThingSized.v1',
  'strata.lab.test.ThingSized.v2',
];

describeWithNats('publishing the schemas to a JetStream KV bucket', () => {
  let server: TestNatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });

  afterAll(async () => {
    await nc.close();
    await server.destroy();
  });

  const valueOf = async (bucket: string, key: string): Promise<unknown> => {
    const kv = await new Kvm(nc).open(bucket);
    return (await kv.get(key))?.json();
  };

  it("keys each subject's payload schema by the subject, and the AsyncAPI document", async () => {
    const result = await publishSchemas(nc, { app: 'lab', registry: testRegistry });
    expect(result.bucket).toBe('strata_lab_schemas');
    expect(result.written).toEqual([...SUBJECTS, ASYNCAPI_KEY]);
    expect(await valueOf(result.bucket, 'strata.lab.test.ThingSized.v1')).toEqual(
      JSON.parse(JSON.stringify(ThingSized.upcasters[0]?.schema)),
    );
    expect(await valueOf(result.bucket, 'strata.lab.test.ThingSized.v2')).toEqual(
      JSON.parse(JSON.stringify(ThingSized.schema)),
    );
    expect(await valueOf(result.bucket, ASYNCAPI_KEY)).toEqual(
      asyncApiDocument({ app: 'lab', registry: testRegistry }),
    );
  });

  it('writes nothing when run again with the same schemas', async () => {
    const kv = await new Kvm(nc).open(schemaBucketName({ app: 'lab' }));
    const before = (await kv.status()).values;
    const again = await publishSchemas(jetstream(nc), { app: 'lab', registry: testRegistry });
    expect(again.written).toEqual([]);
    expect(again.unchanged).toEqual([...SUBJECTS, ASYNCAPI_KEY]);
    expect((await kv.status()).values).toBe(before);
  });

  it('rewrites only the keys whose schema changed', async () => {
    const Renamed = defineEvent({
      name: 'test.ThingRenamed',
      schema: Type.Object({ name: Type.String({ minLength: 1, maxLength: 80 }) }),
    });
    const changed = createMessageRegistry([ThingHappened, Renamed, ThingSized]);
    const result = await publishSchemas(nc, { app: 'lab', registry: changed });
    expect(result.written).toEqual(['strata.lab.test.ThingRenamed.v1', ASYNCAPI_KEY]);
    expect(await valueOf(result.bucket, 'strata.lab.test.ThingRenamed.v1')).toMatchObject({
      properties: { name: { maxLength: 80 } },
    });
    expect(ThingRenamed.schema).not.toHaveProperty('properties.name.maxLength');
  });

  it('keeps the keys of subjects the app no longer has: the stream may still hold them', async () => {
    await publishSchemas(nc, { app: 'shrunk', registry: testRegistry });
    const fewer = createMessageRegistry([ThingHappened, ThingRenamed]);
    const result = await publishSchemas(nc, { app: 'shrunk', registry: fewer });
    expect(result.written).toEqual([ASYNCAPI_KEY]);
    expect(await valueOf(result.bucket, 'strata.shrunk.test.ThingSized.v2')).toEqual(
      JSON.parse(JSON.stringify(ThingSized.schema)),
    );
  });

  it('uses the given prefix for keys and bucket, and a bucket of the caller when named', async () => {
    const prefixed = await publishSchemas(nc, {
      app: 'lab',
      prefix: 'acme.prod',
      registry: testRegistry,
    });
    expect(prefixed.bucket).toBe('acme_prod_lab_schemas');
    expect(prefixed.written).toContain('acme.prod.lab.test.ThingHappened.v1');
    const named = await publishSchemas(nc, { app: 'lab', registry: testRegistry, bucket: 'mine' });
    expect(await valueOf('mine', 'strata.lab.test.ThingHappened.v1')).toEqual(
      JSON.parse(JSON.stringify(ThingHappened.schema)),
    );
    expect(named.bucket).toBe('mine');
  });
});
