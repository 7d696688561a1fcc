import { describe, expect, it } from 'vitest';

import { useGateway } from './gateway-fixture.js';

describe('the log over HTTP', () => {
  const gateway = useGateway();

  it('GET /events and GET /streams/{id} show an event of a type nothing registers as stored', async () => {
    const { system } = gateway();
    const request = gateway().request.bind(gateway());
    // Written by an older version of the app, whose event type this one has dropped.
    await system.store.driver.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, 'legacy-1', 1, 'legacy.ThingRemoved', 3, '{"kept":true}', '{}')`,
      [crypto.randomUUID()],
    );
    const asStored = {
      type: 'legacy.ThingRemoved',
      schemaVersion: 3,
      streamId: 'legacy-1',
      data: { kept: true },
    };

    const page = await request('GET', '/events?categories=legacy');
    expect(page.status).toBe(200);
    expect(page.body.events).toEqual([expect.objectContaining(asStored)]);

    const everything = await request('GET', '/events?limit=1000');
    expect(everything.status).toBe(200);
    expect(everything.body.events).toContainEqual(expect.objectContaining(asStored));

    const stream = await request('GET', '/streams/legacy-1');
    expect(stream.status).toBe(200);
    expect(stream.body).toMatchObject({ version: 1, events: [expect.objectContaining(asStored)] });
  });

  it('GET /events shows an event it cannot decode as stored, with the reason, and the rest of the page', async () => {
    const { system } = gateway();
    const request = gateway().request.bind(gateway());
    // Stored by a newer version of the app: this one knows no version 9 of the event.
    await system.store.driver.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, 'future-1', 1, 'identity.UserRegistered', 9, '{"shape":"new"}', '{}')`,
      [crypto.randomUUID()],
    );
    await system.store.driver.query(
      `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       VALUES ($1, 'future-1', 2, 'legacy.ThingRemoved', 1, '{}', '{}')`,
      [crypto.randomUUID()],
    );

    const page = await request('GET', '/events?categories=future');
    expect(page.status).toBe(200);
    expect(page.body.events).toEqual([
      expect.objectContaining({
        type: 'identity.UserRegistered',
        schemaVersion: 9,
        data: { shape: 'new' },
        undecodable: {
          reason: 'unreadable',
          message: expect.stringMatching(/future-1@1.*version 9/) as unknown,
        },
      }),
      expect.objectContaining({ type: 'legacy.ThingRemoved', streamVersion: 2 }),
    ]);
  });
});
