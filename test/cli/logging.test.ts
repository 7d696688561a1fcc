import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createSystem, type StrataSystem } from '../../src/app/index.js';
import { createLogger, logSubscriberActivity, logSystemError } from '../../src/cli/logger.js';
import { createPgliteDriver } from '../../src/store/index.js';
import { app as failingApp } from '../support/failing-app.js';
import { spawnStrata } from '../support/strata-process.js';

const FAILING_APP = fileURLToPath(new URL('../support/failing-app.ts', import.meta.url));

/** A log destination that keeps what it is given, line by line. */
function collectingStream(isTTY: boolean): Writable & { lines: string[]; isTTY: boolean } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return Object.assign(stream, { lines, isTTY });
}

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly subscriber?: string;
  readonly [field: string]: unknown;
}

const WARN = 40;
const ERROR = 50;

describe('the serve log', () => {
  it('writes one JSON object a line when it is not a terminal', () => {
    const destination = collectingStream(false);
    createLogger({ logLevel: 'info' }, destination).info({ answer: 42 }, 'hello');
    expect(destination.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ level: 30, msg: 'hello', answer: 42 }),
    ]);
  });

  it('writes readable lines on a terminal', async () => {
    const destination = collectingStream(true);
    createLogger({ logLevel: 'info' }, destination).info('hello');
    await expect.poll(() => destination.lines.join('\n')).toContain('hello');
    expect(destination.lines[0]).toMatch(/INFO.*hello/);
    expect(destination.lines[0]).not.toMatch(/^\{/);
  });
});

describe('a system logging through the serve log', () => {
  const destination = collectingStream(false);
  const logs = () => destination.lines.map((line) => JSON.parse(line) as LogLine);
  const of = (subscriber: string) => logs().filter((line) => line.subscriber === subscriber);
  let system: StrataSystem;

  beforeAll(async () => {
    const logger = createLogger({ logLevel: 'info' }, destination);
    system = await createSystem({
      app: failingApp,
      driver: await createPgliteDriver(),
      onError: logSystemError(logger),
      onSubscriberActivity: logSubscriberActivity(logger),
    });
    await system.start();
    await system.commands.send({
      type: 'identity.RegisterUser',
      data: { userId: 'ada', email: 'ada@example.com', name: 'Ada' },
    });
  });
  afterAll(() => system.stop());

  it('logs each retry of a failing projection, then its parking', async () => {
    const name = 'projection:test.failing:g1';
    await expect
      .poll(() => of(name).some((line) => line.msg.startsWith('event parked')), { timeout: 30_000 })
      .toBe(true);
    const lines = of(name);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 30, msg: 'subscriber took its lease and runs here' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: WARN,
        attempt: 1,
        maxAttempts: 2,
        type: 'identity.UserRegistered',
        stream: 'user-ada',
        msg: expect.stringMatching(
          /^handler failed \(attempt 1 of 2\); retrying in \d+ ms$/,
        ) as unknown,
        err: expect.objectContaining({ message: 'the projection handler broke' }) as unknown,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: ERROR,
        stream: 'user-ada',
        reason: 'the projection handler broke',
        msg: expect.stringMatching(/^event parked/) as unknown,
      }),
    );
  });

  it('logs each retry of a failing reactor, then its parking', async () => {
    const name = 'reactor:test.failing';
    await expect
      .poll(() => of(name).some((line) => line.msg.startsWith('event parked')), { timeout: 30_000 })
      .toBe(true);
    const retries = of(name).filter((line) => line.msg.startsWith('handler failed'));
    // Five attempts by default: four retries, then the event is parked.
    expect(retries.map((line) => line.attempt)).toEqual([1, 2, 3, 4]);
    expect(of(name)).toContainEqual(
      expect.objectContaining({ level: ERROR, reason: 'the reactor broke' }),
    );
  });
});

describe('strata serve', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'strata-serve-log-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('logs requests and subscriber failures as JSON on standard error, apart from the banner', async () => {
    const child = spawnStrata(
      ['--data-dir', dataDir, '--app', FAILING_APP, 'serve', '--port', '0'],
      { STRATA_LOG_LEVEL: 'info' },
    );
    const output = { stdout: '', stderr: '' };
    child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((settle) => child.once('exit', settle));
    try {
      await expect.poll(() => output.stdout, { timeout: 60_000 }).toMatch(/serving \S+ at http/);
      const url = /serving \S+ at (http:\/\/\S+)/.exec(output.stdout)?.[1] ?? '';
      const response = await fetch(`${url}/commands/identity.RegisterUser`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'ada', email: 'ada@example.com', name: 'Ada' }),
      });
      expect(response.status).toBe(200);
      await expect
        .poll(() => output.stderr, { timeout: 30_000 })
        .toMatch(/"subscriber":"projection:test\.failing:g1".*"msg":"event parked/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const logLines = output.stderr.trim().split('\n');
    const logs = logLines.map((line) => JSON.parse(line) as LogLine);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'request completed', reqId: expect.any(String) as unknown }),
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ subscriber: 'reactor:test.failing', level: WARN }),
    );
    // Standard output is the banner and the stop, for people: no log line in it.
    expect(output.stdout).not.toMatch(/^\{/m);
    expect(output.stdout).toMatch(/Stopped\.\n$/);
  });
});
