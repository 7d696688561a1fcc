import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer } from '../support/strata-process.js';

describe('strata serve with API keys and no --host', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-serve-address-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('listens on 127.0.0.1 only, and its start-up line says so', async () => {
    const server = await startServer(['--data-dir', dataDir], {
      STRATA_API_KEYS: 'ops:ops-key-0123456789abcdef:admin',
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const live = await fetch(`${server.url}/health/live`);
      expect(live.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
