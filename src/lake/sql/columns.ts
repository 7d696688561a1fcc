/**
 * The columns of the `events` table SQL over the lake sees, snake_case, each from its key in
 * the archive's JSON lines and with the type DuckDB gives it. Compacted Parquet files hold
 * exactly these columns, so both read into one table.
 */
export const EVENT_COLUMNS = [
  { column: 'id', key: 'id', type: 'VARCHAR' },
  { column: 'type', key: 'type', type: 'VARCHAR' },
  { column: 'schema_version', key: 'schemaVersion', type: 'INTEGER' },
  { column: 'stream_id', key: 'streamId', type: 'VARCHAR' },
  { column: 'stream_version', key: 'streamVersion', type: 'BIGINT' },
  { column: 'global_position', key: 'globalPosition', type: 'BIGINT' },
  { column: 'cursor', key: 'cursor', type: 'VARCHAR' },
  { column: 'recorded_at', key: 'recordedAt', type: 'TIMESTAMPTZ' },
  { column: 'data', key: 'data', type: 'JSON' },
  { column: 'metadata', key: 'metadata', type: 'JSON' },
] as const;

const quoted = (name: string) => `"${name}"`;

/** `SELECT`s of the JSON lines files `files` (SQL string literals), as the table's columns. */
export function selectJsonLines(files: readonly string[]): string {
  const types = EVENT_COLUMNS.map(({ key, type }) => `${quoted(key)}: '${type}'`).join(', ');
  const columns = EVENT_COLUMNS.map(({ column, key }) => `${quoted(key)} AS ${column}`).join(', ');
  return (
    `SELECT ${columns} FROM read_json([${files.join(', ')}], ` +
    `format = 'newline_delimited', compression = 'gzip', columns = {${types}})`
  );
}

/** `SELECT`s of the Parquet files `files` (SQL string literals), as the table's columns. */
export function selectParquet(files: readonly string[]): string {
  const columns = EVENT_COLUMNS.map(({ column }) => column).join(', ');
  return `SELECT ${columns} FROM read_parquet([${files.join(', ')}])`;
}

/** An empty `SELECT` with the table's columns, for an archive with nothing to read. */
export function selectNothing(): string {
  const columns = EVENT_COLUMNS.map(({ column, type }) => `NULL::${type} AS ${column}`).join(', ');
  return `SELECT ${columns} WHERE false`;
}
