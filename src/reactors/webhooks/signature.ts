import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { InvalidArgumentError } from '../../store/index.js';

/**
 * Signing per the Standard Webhooks specification (standardwebhooks.com): a secret is `whsec_`
 * and the base64 of 24 to 64 random bytes; a delivery's signature is the base64 HMAC-SHA256,
 * keyed with those bytes, of `<webhook-id>.<webhook-timestamp>.<body>`, sent as `v1,<signature>`
 * — one per secret in use, separated by spaces, so a receiver moving to a new secret accepts
 * either.
 */
const PREFIX = 'whsec_';
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
const MIN_BYTES = 24;
const MAX_BYTES = 64;

/** A new random secret of 24 bytes (the specification's and Svix's size). */
export const generateSecret = (): string => PREFIX + randomBytes(MIN_BYTES).toString('base64');

/** Throws, naming `field`, unless `secret` is `whsec_` and base64 of 24 to 64 bytes. */
export function assertSecret(secret: string, field = 'secret'): void {
  const bytes = SECRET.test(secret) ? keyOf(secret).length : 0;
  if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
    throw new InvalidArgumentError(
      field,
      `must be "whsec_" followed by the base64 of ${MIN_BYTES} to ${MAX_BYTES} random bytes`,
    );
  }
}

const keyOf = (secret: string): Buffer => Buffer.from(secret.slice(PREFIX.length), 'base64');

/** The `v1,<base64>` signature of one delivery under one secret. */
export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`);
  return `v1,${mac.digest('base64')}`;
}

/** The `webhook-signature` header: a signature per secret, space-separated. */
export const signatureHeader = (
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string => secrets.map((secret) => signatureOf(secret, id, timestamp, body)).join(' ');

/** What a receiver checks: the three headers and the raw body. */
export interface SignedDelivery {
  readonly id: string;
  readonly timestamp: number;
  readonly signature: string;
  readonly body: string;
}

/**
 * Whether `delivery` is signed with `secret` and its timestamp is within `toleranceSeconds` of
 * `now` (default 5 min, against replays) — for services receiving Strata's webhooks.
 */
export function verifySignature(
  secret: string,
  delivery: SignedDelivery,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (Math.abs(now / 1000 - delivery.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, delivery.id, delivery.timestamp, delivery.body));
  return delivery.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
