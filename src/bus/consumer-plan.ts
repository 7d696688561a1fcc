import type { EventDefinition } from '../messages/index.js';
import { InvalidArgumentError } from '../store/index.js';
import { subjectOf, subjectToken, type SubjectSpace } from './subjects.js';

/** A durable consumer and its one filter subject. */
export interface PlannedConsumer {
  readonly durable: string;
  readonly filterSubject: string;
}

/** Each event type's subject for every schema version: the version token as a wildcard. */
function subjectsOf(space: SubjectSpace, events: readonly EventDefinition[]): string[] {
  return events.map((event) =>
    subjectOf(space, event.name, event.version).replace(/\.v\d+$/, '.*'),
  );
}

/**
 * The durable consumers that cover `subjects` (else each event type's subjects in `space`): one
 * per subject, since NATS 2.9 consumers take a single filter subject. A lone subject keeps the
 * durable name; several are `<durable>-<context>_<Name>`.
 */
export function planConsumers(options: {
  readonly durable: string;
  readonly events: readonly EventDefinition[];
  readonly space?: SubjectSpace;
  readonly subjects?: readonly string[];
}): PlannedConsumer[] {
  const { durable, space, events } = options;
  if (options.subjects === undefined && space === undefined) {
    throw new InvalidArgumentError(
      'startBusConsumer',
      "needs `space` (the publisher's subjects) or `subjects`",
    );
  }
  const subjects = options.subjects ?? subjectsOf(space ?? { app: '' }, events);
  if (subjects.length === 1) return [{ durable, filterSubject: subjects[0] ?? '' }];
  return subjects.map((filterSubject) => ({
    durable: `${durable}-${subjectToken(filterSubject.split('.').slice(-3, -1).join('_'))}`,
    filterSubject,
  }));
}
