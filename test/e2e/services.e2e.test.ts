import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { collectOutput, killHard, untilExit, untilPrinted } from '../support/child-process.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { appOf, pgliteStore, useDevpieServices } from '../support/devpie-services.js';
import { runReadmeSession } from '../support/devpie-session.js';
import { buildGoProgram, describeWithGo } from '../support/go-toolchain.js';
import { freePort, startNatsServer, type TestNatsServer } from '../support/nats-server.js';
import {
  createFreshDatabase,
  describePostgres,
  dropDatabase,
  type FreshDatabase,
} from '../support/postgres.js';
import { runStrata } from '../support/strata-process.js';

const START_SERVICES = fileURLToPath(new URL('../../scripts/start-services.js', import.meta.url));
const GO_SUBSCRIBER = fileURLToPath(new URL('../../examples/go-subscriber', import.meta.url));

// The two modes run one after the other (a file's suites do): six services and two
// nats-servers at once would crowd a small machine. On PGlite the services run from source on
// ports of their own choosing; on PostgreSQL through `npm run start:services` itself.
describeWithNats('devpie as three services integrated over the bus, on PGlite', () => {
  const { nats, urlOf } = useDevpieServices(pgliteStore());

  it('runs the README session across the three ports', async () => {
    await runReadmeSession(urlOf);
  });

  describeWithGo('with the Go subscriber', () => {
    it("prints Identity's UserRegistered event from the Identity stream", async () => {
      const buildDir = await mkdtemp(path.join(tmpdir(), 'strata-go-'));
      try {
        const binary = path.join(buildDir, 'go-subscriber');
        await buildGoProgram(GO_SUBSCRIBER, binary);
        const args = ['-server', nats().url, '-subject', 'strata.identity.>', '-durable', 'go'];
        const child = spawn(binary, [...args, '-count', '1'], { stdio: 'pipe' });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        expect(await untilExit(child, 20_000), stderr).toBe(0);
        expect(stdout).toMatch(
          /^1 identity\.UserRegistered\.v1 id=\S+ stream=user-ada@1: user ada registered as ada@example\.com \(Ada Lovelace\)/,
        );
      } finally {
        await rm(buildDir, { recursive: true, force: true });
      }
    }, 180_000);
  });
});

describePostgres('npm run start:services on PostgreSQL, as a user runs it', () => {
  describeWithNats('with nats-server', () => {
    let nats: TestNatsServer;
    let database: FreshDatabase;
    let child: ChildProcess;
    let output: () => string;
    let base: number;

    beforeAll(async () => {
      [nats, database, base] = await Promise.all([
        startNatsServer(),
        createFreshDatabase('strata_services'),
        freePort(),
      ]);
      // The script itself: it builds dist/ when stale, then runs three `strata serve` from it.
      child = spawn(process.execPath, [START_SERVICES, '--base-port', String(base)], {
        env: { ...process.env, DATABASE_URL: database.url, NATS_URL: nats.url },
        stdio: 'pipe',
      });
      output = collectOutput(child);
      for (const [service, port] of [
        ['identity', base],
        ['projects', base + 1],
        ['estimation', base + 2],
      ] as const) {
        const serving = new RegExp(
          `Strata is serving ${service} at http://127\\.0\\.0\\.1:${port}`,
        );
        await untilPrinted(child, output, serving, 90_000);
      }
    }, 120_000);

    afterAll(async () => {
      if (child.exitCode === null) await killHard(child);
      await nats.destroy();
      await dropDatabase(database.name);
    });

    it('runs the README session across the three ports, each service in its own schema', async () => {
      const port = { identity: base, projects: base + 1, estimation: base + 2 };
      await runReadmeSession((service) => `http://127.0.0.1:${port[service]}`);
      // Each service's log is in the schema named after it: its own events, and the copies its
      // replicas made of those it consumes from the others over the bus.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const typesIn = async (schema: string) =>
          (
            await client.query<{ type: string }>(
              `SELECT DISTINCT type FROM ${schema}.events ORDER BY type`,
            )
          ).rows.map((row) => row.type);
        expect(await typesIn('identity')).toEqual(['identity.UserRegistered']);
        expect(await typesIn('projects')).toEqual([
          'estimation.EstimationOpened',
          'estimation.TaskEstimated',
          'identity.UserRegistered',
          'projects.ProjectCreated',
          'projects.TaskAdded',
        ]);
        expect(await typesIn('estimation')).toEqual([
          'estimation.EstimationOpened',
          'estimation.TaskEstimated',
          'projects.ProjectCreated',
          'projects.TaskAdded',
        ]);
      } finally {
        await client.end();
      }
    });

    it('stops all three on Ctrl-C with code 0, giving every lease back without a warning', async () => {
      child.kill('SIGINT');
      expect(await untilExit(child, 30_000), output()).toBe(0);
      expect(output().match(/\] Stopped\./g)).toHaveLength(3);
      expect(output()).not.toMatch(/lost its lease/);
    });
  });
});

describe('devpie as three services without NATS', () => {
  it('npm run start:services says it needs NATS and exits with code 1', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const child = spawn(process.execPath, [START_SERVICES], {
      env: { ...process.env, NATS_URL: url },
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await untilExit(child, 20_000)).toBe(1);
    expect(stderr).toContain(`start:services needs NATS: no server answers at ${url}`);
  });

  it('a service that consumes from the bus refuses to start without NATS_URL', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-services-'));
    try {
      const args = ['serve', '--app', appOf('projects'), '--data-dir', dataDir, '--port', '0'];
      const { code, stderr } = await runStrata(args);
      expect(code).toBe(1);
      expect(stderr).toMatch(/consumes from the bus \(replica of identity, .*\): set NATS_URL/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
