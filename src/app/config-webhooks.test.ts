import { describe, expect, it } from 'vitest';

import { ConfigError, resolveConfig } from './config.js';

describe('the webhooks configuration', () => {
  it('is absent unless set: every setting then has its default', () => {
    expect(resolveConfig({ env: {} }).webhooks).toBeUndefined();
  });

  it('takes the timeout and the disabling time from the environment', () => {
    expect(
      resolveConfig({
        env: { STRATA_WEBHOOK_TIMEOUT_MS: '5000', STRATA_WEBHOOK_DISABLE_AFTER_MS: '60000' },
      }).webhooks,
    ).toEqual({ timeoutMs: 5000, disableAfterMs: 60000 });
  });

  it('refuses a timeout that is not a whole number, naming the setting', () => {
    const bad = () => resolveConfig({ env: { STRATA_WEBHOOK_TIMEOUT_MS: '5s' } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/webhooks\/timeoutMs/);
  });
});
