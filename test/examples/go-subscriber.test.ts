import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { appSubjects, subjectOf } from '../../src/bus/index.js';
import { readUntil } from '../support/async.js';
import { untilExit } from '../support/child-process.js';
import { buildGoProgram, describeWithGo } from '../support/go-toolchain.js';
import { describeWithNats } from '../support/describe-with-nats.js';
import { startNatsServer, type TestNatsServer } from '../support/nats-server.js';

const SOURCE = fileURLToPath(new URL('../../examples/go-subscriber', import.meta.url));
const SPACE = { app: 'devpie' };
const STREAM = 'strata-devpie';
const DURABLE = 'go-identity';

/** An event as Strata's forwarder puts it on the bus. */
interface BusEvent {
  readonly type: string;
  readonly stream: string;
  readonly streamVersion: number;
  readonly data: Record<string, string>;
  readonly id: string;
}

const event = (type: string, stream: string, streamVersion: number, data: BusEvent['data']) => ({
  type,
  stream,
  streamVersion,
  data,
  id: randomUUID(),
});

const ada = event('identity.UserRegistered', 'user-ada', 1, {
  userId: 'ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  registeredAt: '2026-11-23T10:00:00.000Z',
});
const grace = event('identity.UserRegistered', 'user-grace', 1, {
  userId: 'grace',
  email: 'grace@example.com',
  name: 'Grace Hopper',
  registeredAt: '2026-11-23T10:01:00.000Z',
});
const adaMoved = event('identity.UserEmailChanged', 'user-ada', 2, {
  userId: 'ada',
  email: 'ada@lovelace.example',
});
const project = event('projects.ProjectCreated', 'project-p1', 1, {
  projectId: 'p1',
  ownerId: 'ada',
  name: 'Engine',
  createdAt: '2026-11-23T10:02:00.000Z',
});
const graceLeft = event('identity.UserDeactivated', 'user-grace', 2, {
  userId: 'grace',
  deactivatedAt: '2026-11-23T10:03:00.000Z',
});

/** Publishes `event` at log `position` with the subject, payload and headers of the forwarder. */
async function publish(nc: NatsConnection, event: BusEvent, position: number): Promise<void> {
  const attributes = headers();
  const set: Record<string, string> = {
    'ce-specversion': '1.0',
    'ce-id': event.id,
    'ce-type': event.type,
    'ce-source': 'strata/devpie',
    'content-type': 'application/json',
    'Strata-Stream': event.stream,
    'Strata-Stream-Version': String(event.streamVersion),
    'Strata-Position': String(position),
    'Strata-Schema-Version': '1',
  };
  for (const [name, value] of Object.entries(set)) attributes.set(name, value);
  await jetstream(nc).publish(subjectOf(SPACE, event.type, 1), JSON.stringify(event.data), {
    msgID: event.id,
    headers: attributes,
  });
}

/** The start of the line the Go program prints for `event` at `position`. */
const lineOf = (event: BusEvent, position: number) => {
  const key = `${event.type}.v1`;
  return `${position} ${key} id=${event.id} stream=${event.stream}@${event.streamVersion}:`;
};

describeWithGo('the Go subscriber example', () => {
  describeWithNats('against a nats-server of its own', () => {
    let server: TestNatsServer;
    let nc: NatsConnection;
    let jsm: JetStreamManager;
    let buildDir: string;
    let binary: string;

    /** Runs the built program with `args`; once it has exited, its output's lines and errors. */
    async function runSubscriber(args: readonly string[]) {
      const child = spawn(binary, ['-server', server.url, ...args], { stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await untilExit(child, 30_000);
      expect(code, stderr).toBe(0);
      return { lines: stdout.trimEnd().split('\n'), stderr };
    }

    beforeAll(async () => {
      buildDir = await mkdtemp(path.join(tmpdir(), 'strata-go-'));
      binary = path.join(buildDir, 'go-subscriber');
      [server] = await Promise.all([startNatsServer(), buildGoProgram(SOURCE, binary)]);
      nc = await connect({ servers: server.url });
      jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: STREAM, subjects: [appSubjects(SPACE)] });
      const events = [ada, grace, adaMoved, project, graceLeft];
      for (const [index, event] of events.entries()) await publish(nc, event, index + 1);
    }, 180_000);

    afterAll(async () => {
      await nc.close();
      await server.destroy();
      await rm(buildDir, { recursive: true, force: true });
    });

    it('prints each event once, decoded into its Go struct, and acknowledges it', async () => {
      const { lines } = await runSubscriber([
        '-stream',
        STREAM,
        '-durable',
        DURABLE,
        '-count',
        '5',
      ]);
      expect(lines).toEqual([
        `${lineOf(ada, 1)} user ada registered as ada@example.com (Ada Lovelace) at 2026-11-23T10:00:00.000Z`,
        `${lineOf(grace, 2)} user grace registered as grace@example.com (Grace Hopper) at 2026-11-23T10:01:00.000Z`,
        `${lineOf(adaMoved, 3)} user ada changed e-mail to ada@lovelace.example`,
        `${lineOf(project, 4)} not decoded here, ${JSON.stringify(project.data).length} bytes`,
        `${lineOf(graceLeft, 5)} user grace deactivated at 2026-11-23T10:03:00.000Z`,
      ]);
      const consumer = await jsm.consumers.info(STREAM, DURABLE);
      expect(consumer.ack_floor.stream_seq).toBe(5);
      expect(consumer.num_ack_pending).toBe(0);
    });

    it('resumes its durable consumer after the last acknowledged event', async () => {
      const graceMoved = event('identity.UserEmailChanged', 'user-grace', 3, {
        userId: 'grace',
        email: 'grace@navy.example',
      });
      await publish(nc, graceMoved, 6);
      const { lines } = await runSubscriber([
        '-stream',
        STREAM,
        '-durable',
        DURABLE,
        '-count',
        '1',
      ]);
      expect(lines).toEqual([
        `${lineOf(graceMoved, 6)} user grace changed e-mail to grace@navy.example`,
      ]);
    });

    it('finds the stream by subject and reads it from the start with an ephemeral consumer', async () => {
      const ephemeral = ['-subject', appSubjects(SPACE), '-durable', ''];
      const { lines } = await runSubscriber([...ephemeral, '-count', '5']);
      const ids = [ada, grace, adaMoved, project, graceLeft].map(({ id }) => `id=${id}`);
      expect(lines.map((line) => line.split(' ')[2])).toEqual(ids);
    });

    it('terminates an event whose payload does not fit its struct, and goes on', async () => {
      const subject = subjectOf(SPACE, 'identity.UserDeactivated', 1);
      await jetstream(nc).publish(subject, JSON.stringify({ userId: 42 }), { msgID: randomUUID() });
      const args = ['-stream', STREAM, '-subject', subject, '-durable', 'go-deactivations'];
      const { lines, stderr } = await runSubscriber([...args, '-count', '2']);
      expect(lines).toEqual([
        `${lineOf(graceLeft, 5)} user grace deactivated at 2026-11-23T10:03:00.000Z`,
      ]);
      expect(stderr).toMatch(
        /identity\.UserDeactivated\.v1 id=\S+ stream=@: undecodable payload, terminated/,
      );
      // Term is asynchronous in nats.go 1.22 (there is no TermSync): the server may see it late.
      const consumer = await readUntil(
        () => jsm.consumers.info(STREAM, 'go-deactivations'),
        ({ num_ack_pending }) => num_ack_pending === 0,
      );
      expect(consumer.num_pending).toBe(0);
    });
  });
});
