import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { devpie } from '../../examples/devpie/app.js';
import { createSystem, defineApp, type StrataSystem } from '../../src/app/index.js';
import { emailReactor, smtpMailer } from '../../src/reactors/index.js';
import { createPgliteDriver } from '../../src/store/index.js';
import { readUntil } from '../support/async.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { UserRegistered } from '../../examples/devpie/identity/index.js';

const FROM = 'devpie <noreply@devpie.test>';

const register = (system: StrataSystem, userId: string, email = `${userId}@example.com`) =>
  system.commands.send({
    type: 'identity.RegisterUser',
    data: { userId, email, name: `User ${userId}` },
  });

describe('e-mail effects through a real SMTP server', () => {
  let receiver: SmtpReceiver;
  const systems: StrataSystem[] = [];
  beforeEach(async () => {
    receiver = await startSmtpReceiver();
    clockOffsetMs = 0;
  });
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop();
    await receiver.close();
  });

  /** The retry schedule's clock: real time plus what a test moved it on by. */
  let clockOffsetMs = 0;
  const start = async (app = devpie, dataDir?: string, mail = true) => {
    const system = await createSystem({
      app,
      driver: await createPgliteDriver(dataDir === undefined ? {} : { dataDir }),
      ...(mail ? { mailer: smtpMailer({ url: receiver.url, from: FROM }) } : {}),
      retryScheduler: { now: () => Date.now() + clockOffsetMs, intervalMs: 50 },
    });
    await system.start();
    systems.push(system);
    return system;
  };

  it("sends devpie's welcome e-mail, its Message-ID made of the event's id", async () => {
    const system = await start();
    expect(system.effects.running).toEqual(['effect:identity.welcome-email']);
    const result = await register(system, 'ada', 'ada@example.com');
    const [mail] = await readUntil(
      () => Promise.resolve(receiver.mails),
      (mails) => mails.length >= 1,
    );
    const eventId = result.events[0]!.id;
    expect(mail!.messageId).toBe(`<${eventId}@devpie.test>`);
    expect(mail!.headers.get('strata-event-id')).toBe(eventId);
    expect(mail!.to).toMatchObject({ text: 'ada@example.com' });
    expect(mail!.from?.value[0]).toMatchObject({ name: 'devpie', address: 'noreply@devpie.test' });
    expect(mail!.subject).toBe('Welcome to devpie, User ada');
    expect(mail!.text).toContain('your devpie account ada is ready');
  });

  it('is off without an SMTP server, and starts at the end of the log: no mail for history', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-email-'));
    try {
      const first = await start(devpie, dataDir, false);
      expect(first.effects).toEqual({
        running: [],
        off: [
          { name: 'identity.welcome-email', kind: 'email' },
          { name: 'projects.purge-pages', kind: 'cdn' },
        ],
        schedules: [],
      });
      await register(first, 'before');
      await first.stop();
      systems.splice(systems.indexOf(first), 1);
      const second = await start(devpie, dataDir);
      await register(second, 'after');
      await readUntil(
        () => Promise.resolve(receiver.mails),
        (mails) => mails.length >= 1,
      );
      // A moment more for a mail that should not come.
      await new Promise((settle) => setTimeout(settle, 500));
      expect(receiver.mails.map((mail) => mail.subject)).toEqual(['Welcome to devpie, User after']);
    } finally {
      for (const system of systems.splice(0)) await system.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('never sends during a projection rebuild', async () => {
    const system = await start();
    await register(system, 'ada');
    await readUntil(
      () => Promise.resolve(receiver.mails),
      (mails) => mails.length >= 1,
    );
    const rebuild = await system.projections.rebuild('identity.users');
    await rebuild.done;
    await new Promise((settle) => setTimeout(settle, 300));
    expect(receiver.mails).toHaveLength(1);
  });

  it('parks a mail the server keeps refusing for its stream only; others flow; a retry sends it', async () => {
    const quickRetry = emailReactor({
      name: 'test.welcome',
      on: [UserRegistered],
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      render: (event) => ({ to: event.data.email, subject: event.data.userId, text: 'hi' }),
    });
    const app = defineApp({ ...devpie, effects: [quickRetry] });
    receiver.refuse = (recipient) => recipient === 'poison@example.com';
    const system = await start(app);
    const poison = await register(system, 'poison', 'poison@example.com');
    await register(system, 'fine');
    await readUntil(
      () => Promise.resolve(receiver.mails),
      (mails) => mails.length >= 1,
    );
    const [parked] = await readUntil(
      () => system.engine.parked.list({ subscriber: 'effect:test.welcome' }),
      (list) => list.length >= 1,
    );
    expect(parked).toMatchObject({
      eventId: poison.events[0]!.id,
      status: 'failed',
      streamId: 'user-poison',
    });
    expect(parked!.error).toMatch(/550|mailbox unavailable/);
    expect(receiver.mails.map((mail) => mail.subject)).toEqual(['fine']);

    receiver.refuse = () => false;
    expect(await system.engine.parked.retry('effect:test.welcome', parked!.globalPosition)).toBe(
      'handled',
    );
    expect(receiver.mails.map((mail) => mail.subject)).toEqual(['fine', 'poison']);
  });

  it('retries a parked mail on its schedule (a clock moved on, not real hours), then sends it', async () => {
    const scheduled = emailReactor({
      name: 'test.scheduled',
      on: [UserRegistered],
      retry: { maxAttempts: 1 },
      scheduleMs: [5 * 60_000, 30 * 60_000],
      render: (event) => ({ to: event.data.email, subject: event.data.userId, text: 'hi' }),
    });
    receiver.refuse = () => true;
    const system = await start(defineApp({ ...devpie, effects: [scheduled] }));
    await register(system, 'late');
    const attempts = async () =>
      (await system.engine.parked.list({ subscriber: 'effect:test.scheduled' }))[0]?.attempts;
    expect(await readUntil(attempts, (count) => count === 1)).toBe(1);
    // Not yet due: nothing is tried.
    await new Promise((settle) => setTimeout(settle, 300));
    expect(await attempts()).toBe(1);
    clockOffsetMs = 5 * 60_000 + 1_000;
    expect(await readUntil(attempts, (count) => count === 2)).toBe(2);
    // 30 minutes after that one, with the server accepting again: sent, and no longer parked.
    receiver.refuse = () => false;
    await new Promise((settle) => setTimeout(settle, 300));
    expect(receiver.mails).toHaveLength(0);
    clockOffsetMs += 30 * 60_000;
    await readUntil(
      () => Promise.resolve(receiver.mails),
      (mails) => mails.length === 1,
    );
    // The server has the mail before the retry marks it handled: wait for the parked row to go.
    expect(
      await readUntil(
        () => system.engine.parked.list({ subscriber: 'effect:test.scheduled' }),
        (list) => list.length === 0,
      ),
    ).toEqual([]);
    expect(receiver.mails).toHaveLength(1);
  });
});
