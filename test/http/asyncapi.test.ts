import { describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem } from '../../src/app/index.js';
import { subjectOf } from '../../src/bus/index.js';
import { buildGateway } from '../../src/http/index.js';
import { createPgliteDriver } from '../../src/store/index.js';
import { useDevpieGateway } from './devpie-gateway.js';

/** The parts of an AsyncAPI document the tests read. */
interface AsyncApi {
  readonly asyncapi: string;
  readonly channels: Record<string, { readonly address: string }>;
}

const addresses = (document: AsyncApi) =>
  Object.values(document.channels).map((channel) => channel.address);

describe('GET /asyncapi.json', () => {
  const gateway = useDevpieGateway();

  it("serves the bus's AsyncAPI document with no NATS configured: a channel per event", async () => {
    const { app, system } = gateway();
    const response = await app.inject({ method: 'GET', url: '/asyncapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const document = response.json<AsyncApi>();
    expect(document.asyncapi).toBe('3.0.0');
    const events = system.registry.list().filter((message) => message.kind === 'event');
    expect(events.length).toBeGreaterThan(5);
    expect(addresses(document).sort()).toEqual(
      events.map((event) => subjectOf({ app: 'devpie' }, event.name, event.version)).sort(),
    );
  });

  it('names the subjects under the prefix the gateway is given', async () => {
    const system = await createSystem({ app: devpie, driver: await createPgliteDriver() });
    const app = await buildGateway({ system, subjectPrefix: 'acme.prod' });
    const response = await app.inject({ method: 'GET', url: '/asyncapi.json' });
    expect(addresses(response.json<AsyncApi>())).toContain(
      'acme.prod.devpie.projects.TaskAdded.v1',
    );
    await app.close();
    await system.stop();
  });
});
