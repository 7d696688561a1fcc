import { APPEND_STATEMENTS, type AppendSql } from './append-sql.js';
import type { SqlExecutor } from './drivers/types.js';

/**
 * The PL/pgSQL function running `sql`: the statement's text is its body as is (`$n` are the
 * function's parameters there), so there is one definition of each append.
 */
function functionDefinition(sql: AppendSql): string {
  return `CREATE OR REPLACE FUNCTION ${sql.name}(${sql.parameterTypes.join(', ')})
  RETURNS TABLE (global_position bigint, stream_version bigint, transaction_id bigint)
  LANGUAGE plpgsql AS $fn$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY ${sql.text};
  END
  $fn$;`;
}

/** (Re)creates the append functions; part of migrating, so always those of the running code. */
export async function installAppendFunctions(sql: SqlExecutor): Promise<void> {
  await sql.exec(APPEND_STATEMENTS.map(functionDefinition).join('\n'));
}

/** The call of `sql`'s function, for drivers without named prepared statements. */
export function functionCall(sql: AppendSql): string {
  const args = sql.parameterTypes.map((_, index) => `$${index + 1}`);
  return `SELECT * FROM ${sql.name}(${args.join(', ')})`;
}
