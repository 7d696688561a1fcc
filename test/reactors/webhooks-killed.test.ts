import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readUntil } from '../support/async.js';
import { killHard } from '../support/child-process.js';
import { startServer, type ServerProcess } from '../support/strata-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const USERS = Array.from({ length: 20 }, (_, index) => `u${index + 1}`);

const registerUser = async (server: ServerProcess, userId: string) => {
  const answer = await fetch(`${server.url}/commands/identity.RegisterUser`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, email: `${userId}@example.com`, name: userId }),
  });
  expect(answer.status).toBe(200);
};

describe('strata serve killed -9 while delivering webhooks, then started again', () => {
  let dir: string;
  let receiver: WebhookReceiver;
  let killed: Promise<void> | undefined;
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-webhooks-killed-'));
    // The tenth request arriving kills the server before it hears the answer: delivered, and
    // not checkpointed.
    receiver = await startWebhookReceiver((_request, index) => {
      if (index === 9 && server !== undefined) killed = killHard(server.child);
      return { status: 200 };
    });
  });
  afterAll(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every event at least once; a repeat carries the same webhook-id and body', async () => {
    const args = ['--data-dir', path.join(dir, 'data')];
    server = await startServer(args);
    const added = await fetch(`${server.url}/webhooks/endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, eventTypes: ['identity.UserRegistered'] }),
    });
    expect(added.status).toBe(201);
    for (const userId of USERS) {
      if (killed !== undefined) break;
      await registerUser(server, userId).catch(() => undefined);
    }
    await readUntil(
      () => Promise.resolve(killed !== undefined),
      (isKilled) => isKilled,
      30_000,
    );
    await killed;
    const atKill = receiver.received.length;
    const inFlight = String(receiver.received[9]!.headers['webhook-id']);
    server = undefined;
    const second = await startServer(args);
    try {
      // What was registered: the users the first server accepted (those after the kill, again).
      const users = () =>
        new Set(
          receiver.received.map(
            (request) => (JSON.parse(request.body) as { data: { userId: string } }).data.userId,
          ),
        );
      for (const userId of USERS.filter((user) => !users().has(user))) {
        await fetch(`${second.url}/commands/identity.RegisterUser`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId, email: `${userId}@example.com`, name: userId }),
        });
      }
      await readUntil(
        () => Promise.resolve(users()),
        (seen) => seen.size === USERS.length,
        30_000,
      );
      await new Promise((settle) => setTimeout(settle, 500));
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const byId = new Map<string, string[]>();
    for (const request of receiver.received) {
      const id = String(request.headers['webhook-id']);
      byId.set(id, [...(byId.get(id) ?? []), request.body]);
    }
    expect(byId.size).toBe(USERS.length);
    const repeated = [...byId.values()].filter((bodies) => bodies.length > 1);
    // Only what the first server had sent and not yet checkpointed went again, unchanged.
    expect(repeated.length).toBeLessThanOrEqual(atKill);
    // The one whose answer the killed server never heard went again.
    expect(byId.get(inFlight)!.length).toBeGreaterThan(1);
    for (const bodies of repeated) expect(new Set(bodies).size).toBe(1);
    expect(receiver.received.length).toBe(
      USERS.length + repeated.reduce((n, b) => n + b.length - 1, 0),
    );
  }, 120_000);
});
