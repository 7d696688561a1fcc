import { StrataError } from '../errors.js';

/** One failing field of a message: where it is and which rule it broke. */
export interface ValidationIssue {
  /** JSON Pointer to the failing value (`/tasks/0/title`); `` for the whole message. */
  readonly path: string;
  /** The JSON Schema keyword that failed (`minLength`, `required`, `type`, …). */
  readonly rule: string;
  /** Human-readable explanation. */
  readonly message: string;
}

/** A message's data does not match its schema; lists every failing field. */
export class ValidationError extends StrataError {
  readonly code = 'VALIDATION_FAILED';

  constructor(
    readonly messageName: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    const summary = issues.map((issue) => `${issue.path || '/'} ${issue.message} (${issue.rule})`);
    super(`${messageName} is invalid: ${summary.join('; ')}`);
  }
}

/** A message definition is malformed (bad name, version, upcaster chain). */
export class InvalidDefinitionError extends StrataError {
  readonly code = 'INVALID_MESSAGE_DEFINITION';

  constructor(
    readonly messageName: string,
    readonly reason: string,
  ) {
    super(`Message definition ${JSON.stringify(messageName)} is invalid: ${reason}`);
  }
}

/** Two definitions share one name; names are global, so this is refused at start-up. */
export class DuplicateMessageError extends StrataError {
  readonly code = 'DUPLICATE_MESSAGE';

  constructor(readonly messageName: string) {
    super(`Message ${JSON.stringify(messageName)} is defined more than once`);
  }
}

/** No registered message has this name (or it is registered as another kind). */
export class UnknownMessageError extends StrataError {
  readonly code = 'UNKNOWN_MESSAGE';

  constructor(
    readonly messageName: string,
    readonly expectedKind: string,
  ) {
    super(`No ${expectedKind} named ${JSON.stringify(messageName)} is registered`);
  }
}

/** A stored event's schema version is newer than its definition, or no upcaster reaches it. */
export class UnknownSchemaVersionError extends StrataError {
  readonly code = 'UNKNOWN_SCHEMA_VERSION';

  constructor(
    readonly messageName: string,
    readonly storedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      `${messageName} was stored as version ${storedVersion}, which this code cannot read ` +
        `(it knows versions 1..${currentVersion})`,
    );
  }
}

/** An upcaster chain produced data that does not match the current schema. */
export class UpcastError extends StrataError {
  readonly code = 'UPCAST_FAILED';

  constructor(
    readonly messageName: string,
    readonly storedVersion: number,
    options: ErrorOptions,
  ) {
    super(
      `Upcasting ${messageName} from version ${storedVersion} did not produce valid data`,
      options,
    );
  }
}
