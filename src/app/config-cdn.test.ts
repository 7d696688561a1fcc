import { describe, expect, it } from 'vitest';

import { ConfigError, resolveConfig } from './config.js';

describe('the CDN configuration', () => {
  it('leaves CDN effects off without a purge endpoint', () => {
    expect(resolveConfig({ env: {} }).cdn).toBeUndefined();
    expect(resolveConfig({ env: { STRATA_CDN_PURGE_METHOD: 'PURGE' } }).cdn).toBeUndefined();
  });

  it('takes the endpoint from STRATA_CDN_PURGE_URL and the method from STRATA_CDN_PURGE_METHOD', () => {
    expect(
      resolveConfig({
        env: { STRATA_CDN_PURGE_URL: 'http://varnish:6081', STRATA_CDN_PURGE_METHOD: 'purge' },
      }).cdn,
    ).toEqual({ url: 'http://varnish:6081', method: 'PURGE' });
  });

  it('refuses a method it does not know, naming the setting', () => {
    const bad = () =>
      resolveConfig({
        env: { STRATA_CDN_PURGE_URL: 'http://cdn', STRATA_CDN_PURGE_METHOD: 'DELETE' },
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/cdn\/method/);
  });
});
