import { StrataError } from '../errors.js';
import { describeHolder, type HorizonHolder } from '../store/index.js';

/**
 * A read-your-writes query waited too long for a projection to reach the requested position.
 * `heldBy` names the open transaction that held every reader back the whole time, if one did.
 */
export class ConsistencyTimeoutError extends StrataError {
  readonly code = 'CONSISTENCY_TIMEOUT';

  constructor(
    readonly projection: string,
    readonly position: number | string,
    readonly timeoutMs: number,
    readonly heldBy?: HorizonHolder,
  ) {
    super(
      `Projection ${projection} had not reached position ${position} after ${timeoutMs} ms; ` +
        (heldBy === undefined
          ? 'try again, or read without a minimum position'
          : `readers are held back by an open transaction: ${describeHolder(heldBy)}. ` +
            'Try again once it ends, or read without a minimum position'),
    );
  }
}

/** A query read a projection it did not declare in `projections`. */
export class UndeclaredProjectionError extends StrataError {
  readonly code = 'UNDECLARED_PROJECTION';

  constructor(
    readonly query: string,
    readonly projection: string,
  ) {
    super(`Query ${query} reads ${projection} but does not list it in its projections`);
  }
}

/** A minimum position names no event of the log. */
export class UnknownPositionError extends StrataError {
  readonly code = 'UNKNOWN_POSITION';

  constructor(readonly position: number) {
    super(`No event of the log has global position ${position}`);
  }
}
