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

/**
 * The app's JetStream stream exists with settings the forwarder may not change on its own
 * (storage, retention, subjects it does not capture): start-up stops rather than alter it.
 */
export class BusStreamIncompatibleError extends StrataError {
  readonly code = 'BUS_STREAM_INCOMPATIBLE';

  constructor(
    readonly stream: string,
    readonly differences: readonly string[],
  ) {
    super(
      `The JetStream stream ${stream} exists with settings Strata will not change: ${differences.join('; ')}. ` +
        'Change the configuration to match, or move or delete the stream.',
    );
  }
}

/**
 * An event is larger than the stream's `max_msg_size`: the forwarder parks it (raise the limit,
 * then `strata parked retry`) instead of dropping it or stopping the relay behind it.
 */
export class BusMessageTooLargeError extends StrataError {
  readonly code = 'BUS_MESSAGE_TOO_LARGE';

  constructor(
    readonly eventId: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `Event ${eventId} is ${bytes} bytes on the bus, more than the stream's max_msg_size of ${maxBytes}`,
    );
  }
}

/**
 * The stream refused a chained publish: its last message is not the one this forwarder expected
 * (another forwarder published meanwhile, or the server lost messages). The forwarder re-reads
 * the stream's tail and goes on from there.
 */
export class BusPublishRefusedError extends StrataError {
  readonly code = 'BUS_PUBLISH_REFUSED';
}

/**
 * A publish to JetStream failed: the server refused it (`errCode`, JetStream's own error code),
 * no stream takes its subject, or no ack came in time. The forwarder re-reads the stream's tail
 * and publishes again from there.
 */
export class BusPublishError extends StrataError {
  readonly code = 'BUS_PUBLISH_FAILED';
  readonly errCode: number | undefined;

  constructor(message: string, options?: ErrorOptions & { readonly errCode?: number | undefined }) {
    super(message, options);
    this.errCode = options?.errCode;
  }
}
