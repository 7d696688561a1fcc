import { v7 as uuidv7 } from 'uuid';

import {
  UnknownMessageError,
  type CommandDefinition,
  type MessageRegistry,
} from '../messages/index.js';
import type { QueryDefinition, QueryParams, QueryResult } from '../queries/index.js';
import {
  ANY,
  isConcurrencyError,
  type CommandRecord,
  type EventMetadata,
  type EventStore,
  type ExpectedVersion,
} from '../store/index.js';
import {
  DEFAULT_COMMAND_RETRY_POLICY,
  delayBeforeDeadline,
  retrying,
  type CommandRetryPolicy,
} from '../retry.js';
import { commandQueuesOf } from './command-queues.js';
import { resultOf, type CommandResult } from './command-result.js';
import { decidedEvents, type DecideContext, type Decider, type Message } from './decider.js';
import { commandRecordOf, firstResultInsteadOf, repeatedResult } from './idempotency.js';
import { checkExpectedVersion, loadStreamState, saveSnapshotIfDue } from './stream-state.js';

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
   * Unpinned, commands on one stream in one process take turns, and a race lost to another
   * process is retried on the new state until the retry deadline.
   */
  readonly expectedVersion?: ExpectedVersion;
}

/** What a validation hook may read: the system's queries, for business checks. */
export interface ValidationContext {
  /** Runs a registered query; its definition types the parameters and the answer. */
  readonly query: <Query extends QueryDefinition>(
    query: Query,
    params: QueryParams<Query>,
  ) => Promise<QueryResult<Query>>;
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

/**
 * What handling a command needs: the store and registry, and optionally the clock and id
 * generator given to `decide`, the retry policy and validation queries.
 */
export interface CommandHandlingOptions {
  readonly store: EventStore;
  /** Command data is validated against it before anything else happens. */
  readonly registry: MessageRegistry;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  /** How long a race lost to another process is retried, and the backoff between attempts. */
  readonly retry?: Partial<CommandRetryPolicy>;
  /** Given to validation hooks; without it, a hook that queries gets an error. */
  readonly validation?: ValidationContext;
  /** Told when a snapshot could not be written; the command still succeeded. */
  readonly onSnapshotError?: (error: unknown, streamId: string) => void;
}

/**
 * Handles one command: validate → validation hook → load (snapshot + events) → decide → append
 * with the loaded version as expected. Commands on one stream in this process take turns; a
 * race lost to another process reloads and retries with jittered backoff until the retry
 * deadline. Under an idempotency key a repeat, even a concurrent one, gets the first result.
 * Throws `ValidationError`, `DomainError`, `ConcurrencyError` (pinned version, or deadline
 * passed), `IdempotencyConflictError`.
 */
export async function handleCommand<Command extends Message, Event extends Message, State>(
  options: CommandHandlingOptions,
  handler: CommandHandler<Command, Event, State>,
  envelope: CommandEnvelope,
): Promise<CommandResult> {
  if (!handler.commands.some((definition) => definition.name === envelope.type)) {
    throw new UnknownMessageError(envelope.type, 'command');
  }
  options.registry.validate(envelope.type, envelope.data);
  const { store } = options;
  const key = envelope.id;
  if (key === undefined) return handleValidated(options, handler, envelope, undefined);
  const record = commandRecordOf(key, envelope.type, envelope.data);
  return commandQueuesOf(store).byIdempotencyKey.run(key, async () => {
    const first = await store.findCommand(key);
    if (first !== undefined) return repeatedResult(first, record.fingerprint);
    try {
      return await handleValidated(options, handler, envelope, record);
    } catch (error) {
      // Another process may have handled the same key meanwhile; then its result stands.
      return firstResultInsteadOf(error, store, record);
    }
  });
}

/** A command with valid data: its validation hook, then its turn on its stream. */
async function handleValidated<Command extends Message, Event extends Message, State>(
  options: CommandHandlingOptions,
  handler: CommandHandler<Command, Event, State>,
  envelope: CommandEnvelope,
  record: CommandRecord | undefined,
): Promise<CommandResult> {
  const { newId = uuidv7 } = options;
  const command = { type: envelope.type, data: envelope.data } as Command;
  const commandId = record?.id ?? newId();
  const metadata = envelope.metadata ?? {};
  await handler.validate?.(command, metadata, options.validation ?? NO_QUERIES);
  const streamId = handler.streamId(command);
  const eventMetadata: EventMetadata = {
    ...metadata,
    correlationId: metadata.correlationId ?? commandId,
    causationId: commandId,
    commandId,
    // What caused the command (an event, for a reactor's command): the lineage's next link up.
    ...(metadata.causationId === undefined ? {} : { commandCausationId: metadata.causationId }),
  };
  const attempt: Attempt<Command, Event, State> = {
    options,
    handler,
    command,
    streamId,
    commandId,
    record,
    eventMetadata,
    expectedVersion: envelope.expectedVersion ?? ANY,
  };
  return commandQueuesOf(options.store).byStream.run(streamId, () => decideAndAppend(attempt));
}

/** Everything one decide-and-append attempt needs. */
interface Attempt<Command extends Message, Event extends Message, State> {
  readonly options: CommandHandlingOptions;
  readonly handler: CommandHandler<Command, Event, State>;
  readonly command: Command;
  readonly streamId: string;
  readonly commandId: string;
  readonly record: CommandRecord | undefined;
  readonly eventMetadata: EventMetadata;
  readonly expectedVersion: ExpectedVersion;
}

/** Load, decide, append; a lost race is retried on the new state until the deadline. */
async function decideAndAppend<Command extends Message, Event extends Message, State>(
  attempt: Attempt<Command, Event, State>,
): Promise<CommandResult> {
  const policy = { ...DEFAULT_COMMAND_RETRY_POLICY, ...attempt.options.retry };
  const startedAt = Date.now();
  try {
    return await retrying(() => decideAndAppendOnce(attempt), {
      retryIf: (error) => error instanceof LostRace,
      delayMs: (tries) => delayBeforeDeadline(policy, startedAt, tries),
    });
  } catch (error) {
    throw error instanceof LostRace ? error.cause : error;
  }
}

/**
 * The append's `ConcurrencyError`, the one failure worth deciding again on: a pinned version
 * that the loaded stream already breaks fails at once.
 */
class LostRace extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown) {
    super('lost a race for the stream', { cause });
    this.cause = cause;
  }
}

/** One try: load the stream, decide on its state, append with the loaded version expected. */
async function decideAndAppendOnce<Command extends Message, Event extends Message, State>(
  attempt: Attempt<Command, Event, State>,
): Promise<CommandResult> {
  const { options, handler, command, streamId, commandId, record } = attempt;
  const { store, clock = () => new Date(), newId = uuidv7 } = options;
  const loaded = await loadStreamState(options, handler.decider, streamId);
  checkExpectedVersion(streamId, attempt.expectedVersion, loaded.version);
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
  const appended = await store
    .appendToStream(
      streamId,
      events.map((event) => ({
        type: event.type,
        data: event.data,
        metadata: attempt.eventMetadata,
      })),
      { expectedVersion: loaded.version, command: record },
    )
    .catch((error: unknown) => {
      throw isConcurrencyError(error) ? new LostRace(error) : error;
    });
  await saveSnapshotIfDue(options, handler.decider, loaded, events, appended).catch(
    (error: unknown) => options.onSnapshotError?.(error, streamId),
  );
  return resultOf(commandId, appended);
}

const NO_QUERIES: ValidationContext = {
  query: (query) =>
    Promise.reject(
      new Error(`No queries are available to validation hooks here (asked for ${query.name})`),
    ),
};
