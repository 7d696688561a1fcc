import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import { HttpProblemError } from '../problems.js';

/** Readiness's words for why the database does not accept writes; no driver text leaks. */
const UNAVAILABLE: Readonly<Record<string, string>> = {
  'read-only': 'The database is read-only: commands cannot be stored',
  'disk-full': "The database's disk is full: commands cannot be stored",
  'out-of-resources': 'The database is out of resources (memory, connections)',
  unreachable: 'The event store is unreachable',
};

/** `GET /health/live` (the process answers) and `GET /health/ready` (it can do its work). */
export function healthRoutes(system: StrataSystem, isStarted: () => boolean) {
  return function health(app: FastifyInstance, _options: unknown, done: () => void): void {
    app.get('/health/live', () => ({ status: 'live' }));

    app.get('/health/ready', async (request) => {
      if (!isStarted()) throw new HttpProblemError('NOT_READY', 'Still starting');
      const { writable, reason = 'unreachable', error } = await system.store.availability();
      if (!writable) {
        // The driver's words (host names, users, SQL) are for operators, not for anyone asking.
        request.log.warn({ err: error, reason }, 'not ready: the database refuses writes');
        throw new HttpProblemError(
          'NOT_READY',
          UNAVAILABLE[reason] ?? 'The database refuses writes',
          {
            reason,
          },
        );
      }
      const subscribers = await system.engine.status();
      const failed = subscribers.filter((subscriber) => subscriber.state === 'failed');
      if (failed.length > 0) {
        throw new HttpProblemError('NOT_READY', 'Subscribers have stopped on poison events', {
          subscribers: failed.map((subscriber) => subscriber.name),
        });
      }
      // A long open transaction does not make this process unready (it holds every reader of
      // the cluster alike), but it is the first thing to know when read models lag.
      const { heldBy, seesAllSessions } = await system.store.horizon();
      // The bus is a copy downstream of the log: its outage delays the relay, not commands.
      const bus = system.bus?.status();
      // Like the bus, the lake is downstream: its outage delays archiving, not commands.
      const lake = system.lake?.status();
      return {
        status: 'ready',
        subscribers: subscribers.map(({ name, state, lagEvents, parked }) => ({
          name,
          state,
          lagEvents,
          parked,
        })),
        horizon: {
          held: heldBy !== undefined,
          ...(heldBy === undefined ? {} : { heldBy }),
          seesAllSessions,
        },
        bus:
          bus === undefined
            ? { enabled: false }
            : { enabled: true, connected: bus.connected, stream: bus.stream },
        lake:
          lake === undefined
            ? { enabled: false }
            : {
                enabled: true,
                location: lake.location,
                ...(lake.archivedTo === undefined ? {} : { archivedTo: lake.archivedTo }),
                ...(lake.lastError === undefined ? {} : { lastError: lake.lastError }),
              },
      };
    });
    done();
  };
}
