/** How `strata lake query` prints its answer. */
export type QueryOutputFormat = 'table' | 'json' | 'csv';

/** A cell: strings as they are, `NULL` empty, anything else as JSON (values are plain data). */
const text = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** Columns padded to their widest cell, numbers to the right; `NULL` shown as empty. */
function table(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((row) => row.map(text));
  const widths = columns.map((column, index) =>
    Math.max(column.length, ...cells.map((row) => (row[index] ?? '').length)),
  );
  const numeric = columns.map((_, index) => rows.every((row) => typeof row[index] === 'number'));
  const line = (values: readonly string[]) =>
    values
      .map((value, index) =>
        numeric[index] === true
          ? value.padStart(widths[index] ?? 0)
          : value.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(columns), rule, ...cells.map(line), count].join('\n');
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (value: unknown): string => {
  const field = text(value);
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
};

/** The answer of a query, as `format`. */
export function formatQueryResult(
  format: QueryOutputFormat,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  if (format === 'json') {
    const objects = rows.map((row) =>
      Object.fromEntries(columns.map((column, index) => [column, row[index] ?? null])),
    );
    return JSON.stringify(objects, null, 2);
  }
  if (format === 'csv') {
    return [columns, ...rows].map((row) => row.map(csvField).join(',')).join('\n');
  }
  return table(columns, rows);
}
