import { pino, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';

import type { StrataConfig } from '../app/config.js';
import type { SubscriberActivity } from '../subscriptions/index.js';

/** Where logs go: a stream, and whether a person reads it (a terminal) or a program does. */
export interface LogDestination {
  write(line: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * The log of `strata serve`: pino at `config.logLevel`, written to `destination` (standard
 * error by default, so standard output keeps the start-up banner alone) — readable lines on a
 * terminal, one JSON object a line otherwise (for log collectors).
 */
export function createLogger(
  config: Pick<StrataConfig, 'logLevel'>,
  destination: LogDestination = process.stderr,
): Logger {
  const stream =
    destination.isTTY === true
      ? prettyStream({
          destination: destination as NodeJS.WritableStream,
          colorize: true,
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        })
      : destination;
  return pino({ level: config.logLevel, base: undefined }, stream);
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The fields of a logged event: enough to find it again with `strata events tail`. */
const eventFields = (event: { globalPosition: number; streamId: string; type: string }) => ({
  position: event.globalPosition,
  stream: event.streamId,
  type: event.type,
});

/** Logs one subscriber activity at the level an operator needs it. */
function logActivity(log: Logger, activity: SubscriberActivity): void {
  switch (activity.kind) {
    case 'lease-acquired':
      log.info('subscriber took its lease and runs here');
      return;
    case 'lease-released':
      log.info('subscriber gave its lease back');
      return;
    case 'lease-lost':
      log.warn('subscriber lost its lease (its database session dropped); it will try again');
      return;
    case 'retrying': {
      const { error, event, attempt, maxAttempts, delayMs } = activity;
      log.warn(
        { err: error, ...eventFields(event), attempt, maxAttempts, retryInMs: delayMs },
        `handler failed (attempt ${attempt} of ${maxAttempts}); retrying in ${delayMs} ms`,
      );
      return;
    }
    case 'parked':
      if (activity.status === 'failed') {
        log.error(
          { ...eventFields(activity.event), reason: activity.error },
          'event parked: its handler gave up on it; later events of its stream wait behind it ' +
            '(strata parked list / retry / skip)',
        );
      } else {
        log.warn(eventFields(activity.event), 'event parked behind a failed event of its stream');
      }
      return;
    case 'stopped':
      log.error({ err: activity.error }, 'subscriber stopped on a poison event');
      return;
    case 'failed':
      log.error({ err: activity.error }, `subscriber failed: ${messageOf(activity.error)}`);
      return;
  }
}

/** What `createSystem` calls with every subscriber activity, logged through `logger`. */
export function logSubscriberActivity(
  logger: Logger,
): (subscriber: string, activity: SubscriberActivity) => void {
  return (subscriber, activity) => {
    logActivity(logger.child({ subscriber }), activity);
  };
}

/**
 * What `createSystem` calls with failures: those outside subscribers (projections syncing with
 * other processes, unique-value backfill) are logged here; those of subscribers arrive as
 * activities too, with what follows them, and are logged once, there.
 */
export function logSystemError(logger: Logger): (error: unknown, source: string) => void {
  return (error, source) => {
    if (source.startsWith('projection:') || source.startsWith('reactor:')) return;
    logger.warn({ err: error, source }, `${source}: ${messageOf(error)}`);
  };
}
