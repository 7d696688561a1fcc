import {
  ANY,
  ConcurrencyError,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
} from '../store/index.js';
import { foldEvents, type Decider, type Message } from './decider.js';

/** The parts of a decider that loading and snapshotting use. */
type StateFold<Event extends Message, State> = Pick<
  Decider<Message, Event, State>,
  'initialState' | 'evolve' | 'snapshot'
>;

/** A stream's decider state and the version it reflects. */
export interface StreamState<State> {
  readonly state: State;
  readonly version: number;
}

/**
 * Loads the stream's state: from its snapshot when one of the decider's current state shape
 * exists (an older shape is ignored, not trusted), plus the events after it.
 */
export async function loadStreamState<Event extends Message, State>(
  store: EventStore,
  decider: StateFold<Event, State>,
  streamId: string,
): Promise<StreamState<State>> {
  let state = decider.initialState();
  let version = 0;
  const policy = decider.snapshot;
  if (policy !== undefined) {
    const snapshot = await store.snapshots.load(streamId);
    if (snapshot?.stateVersion === policy.version) {
      state =
        policy.fromJSON === undefined ? (snapshot.state as State) : policy.fromJSON(snapshot.state);
      version = snapshot.streamVersion;
    }
  }
  const events = await store.readStream(streamId, { from: version + 1 });
  state = foldEvents(decider, events as unknown as Event[], state);
  return { state, version: events.at(-1)?.streamVersion ?? version };
}

/** Throws `ConcurrencyError` when the stream's loaded version breaks a pinned expectation. */
export function checkExpectedVersion(
  streamId: string,
  expected: ExpectedVersion,
  actual: number,
): void {
  const holds =
    expected === ANY ||
    (expected === STREAM_EXISTS && actual > 0) ||
    (expected === NO_STREAM && actual === 0) ||
    expected === actual;
  if (!holds) throw new ConcurrencyError(streamId, expected, actual);
}

/** Saves a snapshot when the append crossed a multiple of the decider's `snapshot.every`. */
export async function saveSnapshotIfDue<Event extends Message, State>(
  store: EventStore,
  decider: StateFold<Event, State>,
  before: StreamState<State>,
  events: readonly Event[],
  appended: AppendResult,
): Promise<void> {
  const policy = decider.snapshot;
  if (policy === undefined || events.length === 0) return;
  if (
    Math.floor(appended.streamVersion / policy.every) === Math.floor(before.version / policy.every)
  ) {
    return;
  }
  const state = foldEvents(decider, events, before.state);
  await store.snapshots.save({
    streamId: appended.streamId,
    streamVersion: appended.streamVersion,
    stateVersion: policy.version,
    state: policy.toJSON === undefined ? state : policy.toJSON(state),
  });
}
