import { StrataError } from '../errors.js';

/** A projection definition breaks a rule (name, version, tables). */
export class InvalidProjectionError extends StrataError {
  readonly code = 'INVALID_PROJECTION';

  constructor(
    readonly projection: string,
    readonly reason: string,
  ) {
    super(`Projection ${JSON.stringify(projection)} is invalid: ${reason}`);
  }
}

/** No projection of that name is registered. */
export class UnknownProjectionError extends StrataError {
  readonly code = 'UNKNOWN_PROJECTION';

  constructor(readonly projection: string) {
    super(`No projection named ${JSON.stringify(projection)} is registered`);
  }
}

/** The projection has never finished its first build, so it has nothing to read yet. */
export class ProjectionNotReadyError extends StrataError {
  readonly code = 'PROJECTION_NOT_READY';

  constructor(readonly projection: string) {
    super(`Projection ${projection} is still being built for the first time`);
  }
}

/** `insert` of a document whose id is taken. */
export class DocumentExistsError extends StrataError {
  readonly code = 'DOCUMENT_EXISTS';

  constructor(
    readonly collection: string,
    readonly id: string,
  ) {
    super(`Document ${JSON.stringify(id)} already exists in ${collection}`);
  }
}

/** A read-model query names a field or option in a way Strata cannot run. */
export class InvalidViewQueryError extends StrataError {
  readonly code = 'INVALID_VIEW_QUERY';

  constructor(readonly reason: string) {
    super(`Invalid read-model query: ${reason}`);
  }
}

/**
 * A rebuild asked of a process whose version of the projection is older than one already
 * active or being built: during a rolling deploy the highest version wins.
 */
export class ProjectionSupersededError extends StrataError {
  readonly code = 'PROJECTION_SUPERSEDED';

  constructor(
    readonly projection: string,
    readonly version: number,
    readonly newestVersion: number,
  ) {
    super(
      `Projection ${projection} version ${version} is superseded by version ${newestVersion}; rebuild it from a process that runs the newest version`,
    );
  }
}
