import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';

import {
  assertSecret,
  generateSecret,
  signatureHeader,
  signatureOf,
  verifySignature,
} from './signature.js';

const body = JSON.stringify({ type: 'x', data: { name: 'Ada ✓' } });

describe('Standard Webhooks signatures', () => {
  it('are what the specification’s reference library computes and accepts', () => {
    const secret = generateSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const reference = new Webhook(secret);
    expect(signatureOf(secret, 'msg_1', timestamp, body)).toBe(
      reference.sign('msg_1', new Date(timestamp * 1000), body),
    );
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader([generateSecret(), secret], 'msg_1', timestamp, body),
    };
    // One of the two signatures is the secret's: a receiver that moved to it accepts.
    expect(reference.verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('matches the specification’s published test vector', () => {
    // From the Standard Webhooks repository's tests (secret, id, timestamp, payload, signature).
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const signature = signatureOf(
      secret,
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verify: accepts its own, refuses a changed body, another secret or an old timestamp', () => {
    const secret = generateSecret();
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = {
      id: 'e1',
      timestamp,
      body,
      signature: signatureOf(secret, 'e1', timestamp, body),
    };
    expect(verifySignature(secret, signed)).toBe(true);
    expect(verifySignature(secret, { ...signed, body: `${body} ` })).toBe(false);
    expect(verifySignature(generateSecret(), signed)).toBe(false);
    expect(verifySignature(secret, signed, { now: (timestamp + 301) * 1000 })).toBe(false);
  });

  it('secrets: whsec_ and 24 to 64 bytes of base64, refused otherwise naming the rule', () => {
    expect(generateSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(() => {
      assertSecret(generateSecret());
    }).not.toThrow();
    for (const bad of [
      'secret',
      'whsec_',
      `whsec_${Buffer.alloc(8).toString('base64')}`,
      'whsec_!!',
    ]) {
      expect(() => {
        assertSecret(bad);
      }).toThrow(/whsec_.*24 to 64/);
    }
  });
});
