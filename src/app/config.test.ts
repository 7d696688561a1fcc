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

  it('names the log levels when STRATA_LOG_LEVEL is not one of them', () => {
    expect(() => resolveConfig({ env: { STRATA_LOG_LEVEL: 'verbose' } })).toThrow(
      'logLevel (STRATA_LOG_LEVEL) must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"',
    );
  });

  it('names the roles when an API key has a role that does not exist', () => {
    expect(() =>
      resolveConfig({ env: { STRATA_API_KEYS: 'ops:0123456789abcdef:query+comand' } }),
    ).toThrow(
      /^Invalid configuration: apiKeys\/0 \("ops"\) has the role "comand"; roles are command, query, admin$/,
    );
  });

  it('refuses an API key holding a colon, instead of reading part of it as roles', () => {
    expect(() =>
      resolveConfig({ env: { STRATA_API_KEYS: 'ops:0123456789:abcdef:admin' } }),
    ).toThrow(/^Invalid configuration: apiKeys\/0 \("ops"\): a key cannot contain ":"/);
    expect(() =>
      resolveConfig({
        env: {},
        flags: { apiKeys: [{ name: 'ops', key: '0123456789:abcdef', roles: ['admin'] }] },
      }),
    ).toThrow(/a key cannot contain ":"/);
  });

  it('refuses an API key or a key name listed twice', () => {
    expect(() =>
      resolveConfig({
        env: { STRATA_API_KEYS: 'ops:0123456789abcdef:admin,ci:0123456789abcdef:command' },
      }),
    ).toThrow(/apiKeys\/1 \("ci"\) has the same key as apiKeys\/0; each key must be listed once/);
    expect(() =>
      resolveConfig({
        env: { STRATA_API_KEYS: 'ops:0123456789abcdef:admin,ops:fedcba9876543210:command' },
      }),
    ).toThrow(/apiKeys\/1 \("ops"\) has the same name as apiKeys\/0/);
  });

  it('still reads well-formed API keys', () => {
    const config = resolveConfig({
      env: { STRATA_API_KEYS: 'ops:0123456789abcdef:admin, ci:fedcba9876543210:command+query' },
    });
    expect(config.apiKeys).toEqual([
      { name: 'ops', key: '0123456789abcdef', roles: ['admin'] },
      { name: 'ci', key: 'fedcba9876543210', roles: ['command', 'query'] },
    ]);
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
