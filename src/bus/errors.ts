import { StrataError } from '../errors.js';

/**
 * A bus message a consumer cannot read as one of its message definitions: no type header, a
 * type it does not handle, a payload that is not JSON, or data its schema (after upcasting)
 * refuses. Redelivering it cannot help, so the consumer parks it at once.
 */
export class UndecodableBusMessageError extends StrataError {
  readonly code = 'UNDECODABLE_BUS_MESSAGE';

  constructor(
    readonly subject: string,
    readonly streamSequence: number,
    reason: string,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      `Bus message ${streamSequence} on ${subject} cannot be decoded: ${reason}${cause}`,
      options,
    );
  }
}

/** A durable consumer exists with a filter subject other than the one asked for. */
export class BusConsumerMismatchError extends StrataError {
  readonly code = 'BUS_CONSUMER_MISMATCH';

  constructor(
    readonly stream: string,
    readonly durable: string,
    readonly existingFilter: string,
    readonly wantedFilter: string,
  ) {
    super(
      `Consumer ${durable} of stream ${stream} filters ${JSON.stringify(existingFilter)}, not ` +
        `${JSON.stringify(wantedFilter)}; delete it (nats consumer rm) or choose another durable name`,
    );
  }
}
