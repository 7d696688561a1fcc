import { describe, expect, it } from 'vitest';

import { ConfigError, listenHost, resolveConfig } from './config.js';

describe('resolveConfig', () => {
  it('reads the operational timeouts from the environment', () => {
    const config = resolveConfig({
      env: {
        STRATA_COMMAND_RETRY_DEADLINE_MS: '2500',
        STRATA_IDLE_IN_TRANSACTION_TIMEOUT_MS: '30000',
        STRATA_SHUTDOWN_TIMEOUT_MS: '4000',
      },
      file: undefined,
    });
    expect(config.commandRetryDeadlineMs).toBe(2500);
    expect(config.idleInTransactionTimeoutMs).toBe(30000);
    expect(config.shutdownTimeoutMs).toBe(4000);
  });

  it('refuses a retry deadline that is not a whole number of milliseconds, naming it', () => {
    expect(() => resolveConfig({ env: { STRATA_COMMAND_RETRY_DEADLINE_MS: 'soon' } })).toThrow(
      ConfigError,
    );
    expect(() => resolveConfig({ env: { STRATA_COMMAND_RETRY_DEADLINE_MS: '-1' } })).toThrow(
      /commandRetryDeadlineMs/,
    );
  });
});

describe('listenHost', () => {
  const KEYS = 'ops:ops-key-0123456789abcdef:admin';

  it('listens on 127.0.0.1 unless a host is given, API keys or not', () => {
    expect(listenHost(resolveConfig({ env: {}, file: undefined }))).toBe('127.0.0.1');
    expect(listenHost(resolveConfig({ env: { STRATA_API_KEYS: KEYS }, file: undefined }))).toBe(
      '127.0.0.1',
    );
  });

  it('listens where the host setting says', () => {
    const config = resolveConfig({
      env: { STRATA_API_KEYS: KEYS, HOST: '0.0.0.0' },
      file: undefined,
    });
    expect(listenHost(config)).toBe('0.0.0.0');
  });
});
