import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { directorySink, MESSAGES_DIR } from '../../src/lake/index.js';
import { startServer } from '../support/strata-process.js';

// Off, it says so beside the bus: test/bus/serve-bus.test.ts.
describe('strata serve and the lake', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'strata-serve-lake-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('with STRATA_LAKE archives each command’s events by the hour and says where', async () => {
    const lake = path.join(dir, 'lake');
    const config = path.join(dir, 'strata.config.json');
    await writeFile(config, JSON.stringify({ lake: { location: './ignored', lingerMs: 100 } }));
    const server = await startServer(['--data-dir', path.join(dir, 'on'), '--config', config], {
      STRATA_LAKE: lake,
    });
    try {
      await expect
        .poll(() => server.output())
        .toMatch(`Lake:       on: every event archived by the hour to ${lake}`);
      const answer = await fetch(`${server.url}/commands/identity.RegisterUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'ada', email: 'ada@example.com', name: 'Ada' }),
      });
      expect(answer.status).toBe(200);
      const { position } = (await answer.json()) as { position: number };
      const sink = directorySink(lake);
      const keys = async () => {
        const found: string[] = [];
        for await (const key of sink.list(`${MESSAGES_DIR}/`)) found.push(key);
        return found;
      };
      await expect.poll(keys, { timeout: 10_000 }).toHaveLength(1);
      const [key] = await keys();
      expect(key).toMatch(
        /^messages\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/\d{20}-\d{20}_\d{20}-\d{20}\.jsonl\.gz$/,
      );
      const object = await sink.get(key!);
      const [line] = gunzipSync(object!.body).toString().trimEnd().split('\n');
      expect(JSON.parse(line!)).toMatchObject({
        type: 'identity.UserRegistered',
        streamId: 'user-ada',
        globalPosition: position,
        data: { userId: 'ada' },
      });
      const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as { lake: unknown };
      expect(ready.lake).toMatchObject({
        enabled: true,
        location: lake,
        archivedTo: expect.stringMatching(/^\d{20}-\d{20}$/) as unknown,
      });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
