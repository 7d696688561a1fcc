import { describe, expect, it } from 'vitest';

import { ConfigError, resolveConfig } from './config.js';

describe('the nats configuration', () => {
  it('leaves the bus off when neither NATS_URL nor nats.servers is set', () => {
    expect(resolveConfig({ env: {}, file: undefined }).nats).toBeUndefined();
  });

  it('takes the servers from NATS_URL, comma-separated', () => {
    const config = resolveConfig({ env: { NATS_URL: 'nats://a:4222, nats://b:4222' } });
    expect(config.nats).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'] });
  });

  it('refuses a server that is not a NATS URL, naming the setting', () => {
    expect(() => resolveConfig({ env: { NATS_URL: 'http://a:4222' } })).toThrow(ConfigError);
    expect(() => resolveConfig({ env: { NATS_URL: 'http://a:4222' } })).toThrow(/nats\/servers/);
  });
});
