import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, expect, it } from 'vitest';

import { readUntil } from '../support/async.js';
import {
  describePostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchemaName,
} from '../support/postgres.js';
import { runStrataInProcess } from '../support/strata-cli.js';
import { startServer, type ServerProcess } from '../support/strata-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

describePostgres('strata webhooks, against a running strata serve', () => {
  const schema = uniqueSchemaName();
  const env = { DATABASE_URL: TEST_DATABASE_URL, STRATA_SCHEMA: schema };
  let server: ServerProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await server?.stop();
    await receiver?.close();
  });
  afterAll(() => dropSchema(schema));

  const strata = (...args: string[]) => runStrataInProcess(['webhooks', ...args], env);
  let registered = 0;
  const register = (userId = `user${++registered}`) =>
    fetch(`${server!.url}/commands/identity.RegisterUser`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId, email: `${userId}@example.com`, name: userId }),
    });
  /** Registers users until the first is delivered: the server reads the endpoints every 5 s. */
  const untilDelivering = () =>
    readUntil(
      async () => {
        await register();
        await new Promise((settle) => setTimeout(settle, 200));
        return receiver!.received.length;
      },
      (count) => count > 0,
      20_000,
    );
  const users = () =>
    receiver!.received.map(
      (request) => (JSON.parse(request.body) as { data: { userId: string } }).data.userId,
    );

  it('adds, shows, disables, enables, rotates and removes an endpoint a running server delivers to', async () => {
    expect((await runStrataInProcess(['migrate'], env)).code).toBe(0);
    receiver = await startWebhookReceiver();
    server = await startServer([], env);

    const refused = await strata('add', 'ftp://example', '--events', 'identity.NoSuchEvent');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('/url must be an absolute http or https URL (format)');
    expect(refused.stderr).toContain('/eventTypes/0 is not an event type of this app');

    const added = await strata(
      'add',
      `${receiver.url}/crm`,
      '--events',
      'identity.UserRegistered',
      '--description',
      'CRM',
    );
    expect(added.code, added.stderr).toBe(0);
    const id = /Registered (ep_\S+):/.exec(added.stdout)?.[1];
    const secret = /Secret: (whsec_\S+)/.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    expect(secret).toBeDefined();
    expect((await strata('list')).stdout).toContain(`${id}\tenabled\t${receiver.url}/crm`);

    // The server reads the endpoints every few seconds: the registration reaches it.
    await untilDelivering();
    const [first] = receiver.received;
    expect(
      new Webhook(secret!).verify(first!.body, first!.headers as Record<string, string>),
    ).toBeTruthy();
    // The receiver has the request before the server logs the delivery: wait for the log.
    const delivered = /delivered\t204\t\d+ ms\tattempt 1\tidentity.UserRegistered/;
    const deliveries = await readUntil(
      () => strata('deliveries', id!),
      ({ stdout }) => delivered.test(stdout),
      45_000,
    );
    expect(deliveries.stdout).toMatch(delivered);
    expect((await strata('show', id!)).stdout).toMatch(/Delivered [1-9]\d*, failed attempts 0/);
    const status = await runStrataInProcess(['status'], env);
    expect(status.stdout).toContain(`effect:webhook:${id}`);
    expect(status.stdout).toMatch(/delivered [1-9]\d*, failed attempts 0, retrying 0, parked 0/);

    // Disabled from the CLI: the server stops delivering, and picks up where it left when enabled.
    expect((await strata('disable', id!, '--reason', 'maintenance')).code).toBe(0);
    expect((await strata('list')).stdout).toContain('disabled (maintenance)');
    await new Promise((settle) => setTimeout(settle, 6_000));
    const before = receiver.received.length;
    await register('bob');
    await new Promise((settle) => setTimeout(settle, 1_000));
    expect(receiver.received).toHaveLength(before);
    expect((await strata('enable', id!)).code).toBe(0);
    await readUntil(
      () => Promise.resolve(users()),
      (seen) => seen.includes('bob'),
      20_000,
    );

    const rotated = await strata('rotate-secret', id!);
    const next = /Secret: (whsec_\S+)/.exec(rotated.stdout)?.[1];
    expect(next).toBeDefined();
    expect((await strata('secret', id!)).stdout).toContain(
      `Previous (in its grace period): ${secret}`,
    );
    await readUntil(
      async () => {
        await register();
        await new Promise((settle) => setTimeout(settle, 200));
        return receiver!.received.at(-1)!;
      },
      (last) => String(last.headers['webhook-signature']).split(' ').length === 2,
      20_000,
    );
    const last = receiver.received.at(-1)!;
    const headers = last.headers as Record<string, string>;
    expect(new Webhook(next!).verify(last.body, headers)).toBeTruthy();
    expect(new Webhook(secret!).verify(last.body, headers)).toBeTruthy();

    expect((await strata('remove', id!)).stdout).toContain(`Removed ${id}.`);
    expect((await strata('list')).stdout).toContain('No webhook endpoints.');
    const gone = await strata('show', id!);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No webhook endpoint has the id "${id}"`);
  }, 90_000);

  it('parks a refused event for its stream; strata parked retry delivers it, skip gives it up', async () => {
    const refusing = new Set(['poison1', 'poison2']);
    receiver = await startWebhookReceiver((request) => {
      const { userId } = (JSON.parse(request.body) as { data: { userId: string } }).data;
      return { status: refusing.has(userId) ? 500 : 204 };
    });
    server = await startServer([], env);
    const added = await strata('add', receiver.url, '--events', 'identity.UserRegistered');
    const id = /Registered (ep_\S+):/.exec(added.stdout)?.[1];
    const subscriber = `effect:webhook:${id}`;
    // Once the server delivers to it, two users it refuses.
    await untilDelivering();
    await register('poison1');
    await register('poison2');
    const parked = await readUntil(
      () => runStrataInProcess(['parked', 'list', '--subscriber', subscriber], env),
      (run) => (run.stdout.match(/\tfailed\t/g) ?? []).length === 2,
      20_000,
    );
    const positions = [...parked.stdout.matchAll(/position (\d+)\tfailed\tuser-(poison\d)/g)];
    const positionOf = (user: string) => positions.find((match) => match[2] === user)?.[1];
    refusing.delete('poison1');
    const retried = await runStrataInProcess(
      ['parked', 'retry', subscriber, positionOf('poison1')!],
      env,
    );
    expect(retried.stdout).toContain('Retried: handled');
    expect(users()).toContain('poison1');
    const skipped = await runStrataInProcess(
      ['parked', 'skip', subscriber, positionOf('poison2')!],
      env,
    );
    expect(skipped.stdout).toContain('Skipped');
    const left = await runStrataInProcess(['parked', 'list', '--subscriber', subscriber], env);
    expect(left.stdout).toContain('No parked events.');
    expect((await strata('deliveries', id!, '--failed')).stdout).toMatch(/failed\t500/);
  }, 90_000);
});
