import { APPEND_STATEMENTS, type AppendSql } from './append-sql.js';
import type { SqlExecutor } from './drivers/types.js';

/** The PL/pgSQL body running `sql`: its text as is (`$n` are the function's parameters). */
function functionBody(sql: AppendSql): string {
  return `
  #variable_conflict use_column
  BEGIN
    RETURN QUERY ${sql.text};
  END
  `;
}

/**
 * The PL/pgSQL function running `sql`: the statement's text is its body as is, so there is one
 * definition of each append.
 */
function functionDefinition(sql: AppendSql): string {
  return `CREATE OR REPLACE FUNCTION ${sql.name}(${sql.parameterTypes.join(', ')})
  RETURNS TABLE (global_position bigint, stream_version bigint, transaction_id bigint)
  LANGUAGE plpgsql AS $fn$${functionBody(sql)}$fn$;`;
}

/** (Re)creates the append functions; part of migrating, so always those of the running code. */
export async function installAppendFunctions(sql: SqlExecutor): Promise<void> {
  await sql.exec(APPEND_STATEMENTS.map(functionDefinition).join('\n'));
}

/**
 * True when the schema's append functions are exactly those of this code, read without
 * writing (so a read-only database with a current schema can be opened).
 */
export async function appendFunctionsAreCurrent(sql: SqlExecutor): Promise<boolean> {
  const rows = await sql.query<{ name: string; args: string; body: string }>(
    `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, p.prosrc AS body
       FROM pg_proc p
      WHERE p.pronamespace = current_schema()::regnamespace AND p.proname = ANY($1)`,
    [APPEND_STATEMENTS.map((statement) => statement.name)],
  );
  return APPEND_STATEMENTS.every((statement) =>
    rows.some(
      (row) =>
        row.name === statement.name &&
        row.args === statement.parameterTypes.join(', ') &&
        row.body === functionBody(statement),
    ),
  );
}

/** The call of `sql`'s function, for drivers without named prepared statements. */
export function functionCall(sql: AppendSql): string {
  const args = sql.parameterTypes.map((_, index) => `$${index + 1}`);
  return `SELECT * FROM ${sql.name}(${args.join(', ')})`;
}
