import type { MessageRegistry } from '../messages/index.js';
import {
  ConcurrencyError,
  expectedVersionHolds,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type Snapshot,
} from '../store/index.js';
import { foldEvents, type Decider, type Message, type SnapshotPolicy } from './decider.js';
import { eventShapesOf, shapesStillHold } from './snapshot-shapes.js';

/** The parts of a decider that loading and snapshotting use. */
type StateFold<Event extends Message, State> = Pick<
  Decider<Message, Event, State>,
  'initialState' | 'evolve' | 'snapshot'
>;

/** A stream's decider state and the version it reflects. */
export interface StreamState<State> {
  readonly state: State;
  readonly version: number;
  /** The event types folded into `state`, for the next snapshot's `eventShapes`. */
  readonly eventTypes: ReadonlySet<string>;
  /** True when a stored snapshot was not trusted: the next append replaces it. */
  readonly staleSnapshot: boolean;
}

/** What loading needs besides the decider: where the stream is, and how events are read. */
export interface StreamSource {
  readonly store: EventStore;
  readonly registry: MessageRegistry;
}

/** True when `snapshot` was taken of this state shape, from events read as they are read now. */
function trusted<State>(
  snapshot: Snapshot,
  policy: SnapshotPolicy<State>,
  registry: MessageRegistry,
): boolean {
  return (
    snapshot.stateVersion === policy.version &&
    snapshot.eventShapes !== undefined &&
    shapesStillHold(registry, snapshot.eventShapes)
  );
}

/**
 * Loads the stream's state: from its snapshot when it is trusted (taken of the decider's
 * current state shape, from events read through the same schema versions and upcasters as
 * now), plus the events after it. An untrusted snapshot is ignored: the stream is folded whole.
 */
export async function loadStreamState<Event extends Message, State>(
  { store, registry }: StreamSource,
  decider: StateFold<Event, State>,
  streamId: string,
): Promise<StreamState<State>> {
  let state = decider.initialState();
  let version = 0;
  let eventTypes: string[] = [];
  let staleSnapshot = false;
  const policy = decider.snapshot;
  if (policy !== undefined) {
    const snapshot = await store.snapshots.load(streamId);
    if (snapshot !== undefined && trusted(snapshot, policy, registry)) {
      state =
        policy.fromJSON === undefined ? (snapshot.state as State) : policy.fromJSON(snapshot.state);
      version = snapshot.streamVersion;
      eventTypes = Object.keys(snapshot.eventShapes ?? {});
    } else {
      staleSnapshot = snapshot !== undefined;
    }
  }
  const events = await store.readStream(streamId, { from: version + 1 });
  state = foldEvents(decider, events as unknown as Event[], state);
  return {
    state,
    version: events.at(-1)?.streamVersion ?? version,
    eventTypes: new Set([...eventTypes, ...events.map((event) => event.type)]),
    staleSnapshot,
  };
}

/** Throws `ConcurrencyError` when the stream's loaded version breaks a pinned expectation. */
export function checkExpectedVersion(
  streamId: string,
  expected: ExpectedVersion,
  actual: number,
): void {
  if (!expectedVersionHolds(expected, actual))
    throw new ConcurrencyError(streamId, expected, actual);
}

/**
 * Saves a snapshot when the append crossed a multiple of the decider's `snapshot.every`, or
 * when the stored one was not trusted (so the next load need not fold the whole stream again).
 */
export async function saveSnapshotIfDue<Event extends Message, State>(
  { store, registry }: StreamSource,
  decider: StateFold<Event, State>,
  before: StreamState<State>,
  events: readonly Event[],
  appended: AppendResult,
): Promise<void> {
  const policy = decider.snapshot;
  if (policy === undefined || events.length === 0) return;
  const crossed =
    Math.floor(appended.streamVersion / policy.every) !== Math.floor(before.version / policy.every);
  if (!crossed && !before.staleSnapshot) return;
  const state = foldEvents(decider, events, before.state);
  await store.snapshots.save({
    streamId: appended.streamId,
    streamVersion: appended.streamVersion,
    stateVersion: policy.version,
    state: policy.toJSON === undefined ? state : policy.toJSON(state),
    eventShapes: eventShapesOf(registry, [
      ...before.eventTypes,
      ...events.map((event) => event.type),
    ]),
  });
}
