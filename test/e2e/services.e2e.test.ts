import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { untilExit } from '../support/child-process.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import {
  appOf,
  pgliteStore,
  postgresStore,
  useDevpieServices,
} from '../support/devpie-services.js';
import { runReadmeSession } from '../support/devpie-session.js';
import { buildGoProgram, describeWithGo } from '../support/go-toolchain.js';
import { freePort } from '../support/nats-server.js';
import { describePostgres } from '../support/postgres.js';
import { runStrata } from '../support/strata-process.js';

const START_SERVICES = fileURLToPath(new URL('../../scripts/start-services.js', import.meta.url));
const GO_SUBSCRIBER = fileURLToPath(new URL('../../examples/go-subscriber', import.meta.url));

// The two modes run one after the other (a file's suites do): six services and two
// nats-servers at once would crowd a small machine. Each serves on a port of its own choosing.
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

describePostgres('devpie as three services integrated over the bus, on PostgreSQL', () => {
  describeWithNats('with nats-server', () => {
    const store = postgresStore();
    const { urlOf } = useDevpieServices(store);

    it('runs the README session across the three ports, each service in its own schema', async () => {
      await runReadmeSession(urlOf);
      // Each service's log is in the schema named after it: its own events, and the copies its
      // replicas made of those it consumes from the others over the bus.
      const client = new pg.Client({ connectionString: store.database().url });
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
