import { describe, expect, it } from 'vitest';

import { ConfigError, resolveConfig } from './config.js';

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
