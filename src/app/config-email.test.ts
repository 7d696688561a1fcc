import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError, resolveConfig } from './config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-config-email-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const configFile = (settings: unknown) => {
  const file = path.join(dir, `${crypto.randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(settings));
  return file;
};

describe('the e-mail configuration', () => {
  it('leaves e-mail off without STRATA_SMTP_URL or email.url', () => {
    expect(resolveConfig({ env: {} }).email).toBeUndefined();
    expect(resolveConfig({ env: { STRATA_EMAIL_FROM: 'a@b.c' } }).email).toBeUndefined();
  });

  it('takes the server from STRATA_SMTP_URL and the sender from STRATA_EMAIL_FROM', () => {
    expect(resolveConfig({ env: { STRATA_SMTP_URL: 'smtp://mail:2525' } }).email).toEqual({
      url: 'smtp://mail:2525',
      from: 'Strata <strata@localhost>',
    });
    const file = configFile({ email: { url: 'smtps://x:y@mail', from: 'f@x.y', timeoutMs: 5 } });
    expect(
      resolveConfig({ env: { STRATA_EMAIL_FROM: 'devpie <hi@devpie.test>' }, file }).email,
    ).toEqual({ url: 'smtps://x:y@mail', from: 'devpie <hi@devpie.test>', timeoutMs: 5 });
  });

  it('refuses a URL that is not SMTP, naming the setting', () => {
    const bad = () => resolveConfig({ env: { STRATA_SMTP_URL: 'http://mail' } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/email\/url/);
  });
});
