import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { v7 as uuidv7 } from 'uuid';

import {
  UnknownMessageError,
  type CommandDefinition,
  type MessageRegistry,
} from '../messages/index.js';
import {
  ANY,
  DuplicateCommandError,
  isConcurrencyError,
  type AppendedEvent,
  type AppendResult,
  type Cursor,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
  type RecordedCommand,
} from '../store/index.js';
import { decidedEvents, type DecideContext, type Decider, type Message } from './decider.js';
import { IdempotencyConflictError } from './errors.js';
import { checkExpectedVersion, loadStreamState, saveSnapshotIfDue } from './stream-state.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry.js';

/** Context a command carries into its events' metadata. */
export interface CommandMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: string;
  readonly tenant?: string;
  readonly [field: string]: unknown;
}

/** A command to handle: the message plus how to handle it. */
export interface CommandEnvelope {
  readonly type: string;
  readonly data: unknown;
  /**
   * Idempotency key: handling the same id again returns the first result and appends nothing.
   * Without one, an id is generated and repeats are not detected.
   */
  readonly id?: string;
  readonly metadata?: CommandMetadata;
  /**
   * Pin the stream's version (an HTTP `If-Match`): a different version is a `ConcurrencyError`.
   * Unpinned, a lost race is retried on the new state.
   */
  readonly expectedVersion?: ExpectedVersion;
}

/** What a validation hook may read: the system's queries, for business checks. */
export interface ValidationContext {
  readonly query: (name: string, params: unknown) => Promise<unknown>;
}

/** How one stream type handles its commands. */
export interface CommandHandler<Command extends Message, Event extends Message, State> {
  /** The commands this handler accepts. */
  readonly commands: readonly CommandDefinition[];
  readonly decider: Decider<Command, Event, State>;
  /** The stream a command addresses, e.g. `project-${command.data.projectId}`. */
  readonly streamId: (command: Command) => string;
  /**
   * Business checks that need I/O (is this e-mail taken?), run before the stream is loaded.
   * Throw `DomainError` to reject.
   */
  readonly validate?: (
    command: Command,
    metadata: CommandMetadata,
    context: ValidationContext,
  ) => Promise<void>;
}

/** Declares a command handler; the identity function, there for type inference. */
export function defineCommandHandler<Command extends Message, Event extends Message, State>(
  handler: CommandHandler<Command, Event, State>,
): CommandHandler<Command, Event, State> {
  return handler;
}

export interface CommandHandlingOptions {
  readonly store: EventStore;
  /** Command data is validated against it before anything else happens. */
  readonly registry: MessageRegistry;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  readonly retry?: Partial<RetryPolicy>;
  /** Given to validation hooks; without it, a hook that queries gets an error. */
  readonly validation?: ValidationContext;
  /** Told when a snapshot could not be written; the command still succeeded. */
  readonly onSnapshotError?: (error: unknown, streamId: string) => void;
}

/** What handling a command did. */
export interface CommandResult {
  readonly commandId: string;
  readonly streamId: string;
  /** The stream's version afterwards: the `expectedVersion` for a follow-up. */
  readonly streamVersion: number;
  readonly events: readonly AppendedEvent[];
  /** Global position of the last appended event; `undefined` when none was appended. */
  readonly position: number | undefined;
  /** Log cursor of the last appended event, for read-your-writes. */
  readonly cursor: Cursor | undefined;
  /** True when this id was handled before and this is the first result again. */
  readonly duplicate: boolean;
}

/**
 * Handles one command: validate → validation hook → load (snapshot + events) → decide → append
 * with the loaded version as expected; a lost race reloads and retries with jittered backoff.
 * Throws `ValidationError`, `DomainError`, `ConcurrencyError` (pinned version, or retries spent),
 * `IdempotencyConflictError`.
 */
export async function handleCommand<Command extends Message, Event extends Message, State>(
  options: CommandHandlingOptions,
  handler: CommandHandler<Command, Event, State>,
  envelope: CommandEnvelope,
): Promise<CommandResult> {
  const { store, registry, clock = () => new Date(), newId = uuidv7 } = options;
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!handler.commands.some((definition) => definition.name === envelope.type)) {
    throw new UnknownMessageError(envelope.type, 'command');
  }
  registry.validate(envelope.type, envelope.data);
  const command = { type: envelope.type, data: envelope.data } as Command;
  const idempotencyKey = envelope.id;
  const commandId = idempotencyKey ?? newId();
  const record =
    idempotencyKey === undefined
      ? undefined
      : { id: idempotencyKey, type: envelope.type, fingerprint: fingerprintOf(envelope) };

  if (record !== undefined) {
    const first = await store.findCommand(record.id);
    if (first !== undefined) return repeatedResult(first, record.fingerprint);
  }
  const metadata = envelope.metadata ?? {};
  await handler.validate?.(command, metadata, options.validation ?? NO_QUERIES);

  const streamId = handler.streamId(command);
  const eventMetadata: EventMetadata = {
    ...metadata,
    correlationId: metadata.correlationId ?? commandId,
    causationId: commandId,
    commandId,
  };
  for (let attempt = 1; ; attempt++) {
    const loaded = await loadStreamState(store, handler.decider, streamId);
    checkExpectedVersion(streamId, envelope.expectedVersion ?? ANY, loaded.version);
    const context: DecideContext = { now: clock(), newId };
    const events = decidedEvents(handler.decider.decide(command, loaded.state, context));
    if (events.length === 0 && record === undefined) {
      return resultOf(commandId, {
        streamId,
        streamVersion: loaded.version,
        events: [],
        cursor: undefined,
      });
    }
    try {
      const appended = await store.appendToStream(
        streamId,
        events.map((event) => ({ type: event.type, data: event.data, metadata: eventMetadata })),
        { expectedVersion: loaded.version, command: record },
      );
      await saveSnapshotIfDue(store, handler.decider, loaded, events, appended).catch(
        (error: unknown) => options.onSnapshotError?.(error, streamId),
      );
      return resultOf(commandId, appended);
    } catch (error) {
      if (error instanceof DuplicateCommandError && record !== undefined) {
        // The same command, handled concurrently, committed first: its result stands.
        const first = await store.findCommand(record.id);
        if (first !== undefined) return repeatedResult(first, record.fingerprint);
      }
      if (!isConcurrencyError(error) || attempt >= policy.maxAttempts) throw error;
      await sleep(backoffDelayMs(policy, attempt));
    }
  }
}

const NO_QUERIES: ValidationContext = {
  query: (name) =>
    Promise.reject(
      new Error(`No queries are available to validation hooks here (asked for ${name})`),
    ),
};

function fingerprintOf(envelope: CommandEnvelope): string {
  return createHash('sha256')
    .update(envelope.type)
    .update('\n')
    .update(JSON.stringify(envelope.data))
    .digest('base64url');
}

function repeatedResult(first: RecordedCommand, fingerprint: string): CommandResult {
  if (first.fingerprint !== fingerprint) throw new IdempotencyConflictError(first.id, first.type);
  return { ...resultOf(first.id, first.result), duplicate: true };
}

function resultOf(commandId: string, appended: AppendResult): CommandResult {
  return {
    commandId,
    streamId: appended.streamId,
    streamVersion: appended.streamVersion,
    events: appended.events,
    position: appended.events.at(-1)?.globalPosition,
    cursor: appended.cursor,
    duplicate: false,
  };
}
