/** A message as deciders see it: a type name and its data. */
export interface Message<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** What `decide` may use besides the command and state; injected so deciders stay pure. */
export interface DecideContext {
  /** The time the command is handled, from the handler's clock. */
  readonly now: Date;
  /** A new unique id (UUID v7 unless the handler is given another generator). */
  readonly newId: () => string;
}

/** Opt-in snapshots: store the state every `every` events so loading skips the replay. */
export interface SnapshotPolicy<State> {
  readonly every: number;
  /**
   * Version of the state's shape: bump it when the shape or `evolve` changes, and old snapshots
   * are ignored. A new event version or upcaster needs no bump: snapshots record how their
   * events were read, and one read otherwise is ignored too.
   */
  readonly version: number;
  /** State to JSON (default: the state itself, which must then be plain JSON). */
  readonly toJSON?: (state: State) => unknown;
  /** JSON back to state (default: the JSON itself). */
  readonly fromJSON?: (json: unknown) => State;
}

/**
 * The decision logic of one stream type, as pure functions: the state is a fold of the
 * stream's events, and a command is decided against it.
 *
 * @example
 * const decider: Decider<ProjectCommand, ProjectEvent, ProjectState> = {
 *   initialState: () => ({ status: 'none' }),
 *   evolve: (state, event) => (event.type === 'projects.ProjectCreated' ? { status: 'active' } : state),
 *   decide: (command, state) => {
 *     if (state.status !== 'none') throw new DomainError('PROJECT_EXISTS', 'Project exists');
 *     return { type: 'projects.ProjectCreated', data: command.data };
 *   },
 * };
 */
export interface Decider<Command extends Message, Event extends Message, State> {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  /** One event, several, or `[]` for none; throw `DomainError` to reject the command. */
  readonly decide: (
    command: Command,
    state: State,
    context: DecideContext,
  ) => Event | readonly Event[];
  readonly snapshot?: SnapshotPolicy<State>;
}

/** `decide`'s result as a list. */
export function decidedEvents<Event extends Message>(
  decided: Event | readonly Event[],
): readonly Event[] {
  return Array.isArray(decided) ? (decided as readonly Event[]) : [decided as Event];
}

/** The state after `events`, folded from the decider's initial state or from `state`. */
export function foldEvents<Event extends Message, State>(
  decider: Pick<Decider<Message, Event, State>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
  state: State = decider.initialState(),
): State {
  let current = state;
  for (const event of events) current = decider.evolve(current, event);
  return current;
}
