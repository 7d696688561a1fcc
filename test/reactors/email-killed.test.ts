import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readUntil } from '../support/async.js';
import { killHard } from '../support/child-process.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.js';
import { startServer } from '../support/strata-process.js';

const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];

describe('strata serve killed -9 right after an e-mail was accepted, then started again', () => {
  let dir: string;
  let receiver: SmtpReceiver;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-email-killed-'));
    receiver = await startSmtpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends every welcome e-mail, repeating at most the one in flight, under the same Message-ID', async () => {
    const args = ['--data-dir', path.join(dir, 'data')];
    const env = { STRATA_SMTP_URL: receiver.url, STRATA_EMAIL_FROM: 'devpie@devpie.test' };
    const first = await startServer(args, env);
    expect(first.output()).toMatch(
      `Effects:    on: effect:identity.welcome-email (e-mail through ${receiver.url})`,
    );
    // Killed the moment the third mail is accepted: after sending, before (or as) the
    // checkpoint commits.
    let killed: Promise<void> | undefined;
    receiver.onAccepted = () => {
      if (receiver.mails.length === 3) killed = killHard(first.child);
    };
    for (const userId of USERS) {
      const answer = await fetch(`${first.url}/commands/identity.RegisterUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, email: `${userId}@example.com`, name: userId }),
      });
      expect(answer.status).toBe(200);
    }
    await readUntil(
      () => Promise.resolve(killed !== undefined),
      (isKilled) => isKilled,
      30_000,
    );
    await killed;
    const mailsAtKill = receiver.mails.length;
    expect(mailsAtKill).toBe(3);
    receiver.onAccepted = () => undefined;

    const second = await startServer(args, env);
    try {
      const recipients = () =>
        new Set(receiver.mails.map((mail) => (mail.to && 'text' in mail.to ? mail.to.text : '')));
      await readUntil(
        () => Promise.resolve(recipients()),
        (seen) => seen.size === USERS.length,
        30_000,
      );
      await new Promise((settle) => setTimeout(settle, 500));
    } finally {
      expect(await second.stop()).toBe(0);
    }
    const ids = receiver.mails.map((mail) => mail.messageId);
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    // At most the mail in flight when killed went twice, and with the same Message-ID.
    expect(repeated.length).toBeLessThanOrEqual(1);
    expect(new Set(ids).size).toBe(USERS.length);
    expect(receiver.mails).toHaveLength(USERS.length + repeated.length);
  }, 120_000);
});
