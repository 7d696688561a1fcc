import type { SqlExecutor } from '../../store/index.js';
import type { ProjectionDefinition } from '../define.js';
import type { Storage } from '../views.js';

/** The tables of `projection`'s generation `generation`. */
export function storageOf(projection: ProjectionDefinition, generation: number): Storage {
  const base = `view_${projection.name.replaceAll('.', '__')}_g${generation}`;
  const tables = Object.fromEntries(
    Object.keys(projection.tables ?? {}).map((name) => [name, `${base}_${name}`]),
  );
  return { projection: projection.name, generation, documents: base, tables };
}

/** Creates a generation's tables (idempotent). */
export async function createStorage(
  sql: SqlExecutor,
  projection: ProjectionDefinition,
  storage: Storage,
): Promise<void> {
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${storage.documents} (
       collection text  NOT NULL,
       id         text  NOT NULL,
       data       jsonb NOT NULL,
       PRIMARY KEY (collection, id))`,
    // Equality filters of `find` are jsonb containment, which this index answers.
    `CREATE INDEX IF NOT EXISTS ${storage.documents}_data ON ${storage.documents} USING gin (data jsonb_path_ops)`,
    ...Object.entries(projection.tables ?? {}).map(
      ([name, columns]) => `CREATE TABLE IF NOT EXISTS ${storage.tables[name]} (${columns})`,
    ),
    // Each table says which generation owns it, so whichever version drops the generation
    // finds every table, its own definition's or not (a newer version may have added some).
    ...[storage.documents, ...Object.values(storage.tables)].map(
      (table) => `COMMENT ON TABLE ${table} IS '${ownerMark(storage)}'`,
    ),
  ];
  await sql.exec(statements.join(';\n'));
}

/** What a generation's tables carry as their comment; projection names are plain identifiers. */
function ownerMark(storage: Storage): string {
  return `strata projection ${storage.projection} generation ${storage.generation}`;
}

/**
 * Drops a generation's tables: those this definition names and those marked as the
 * generation's, which another version of the projection may have created.
 */
export async function dropStorage(sql: SqlExecutor, storage: Storage): Promise<void> {
  const marked = await sql.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'
        AND obj_description(c.oid, 'pg_class') = $1`,
    [ownerMark(storage)],
  );
  const tables = new Set([
    storage.documents,
    ...Object.values(storage.tables),
    ...marked.map((row) => row.table),
  ]);
  await sql.exec(`DROP TABLE IF EXISTS ${[...tables].join(', ')}`);
}

/** A projection's row: which generation serves queries and which one is being built. */
export interface ProjectionRow {
  readonly name: string;
  readonly active_generation: number | null;
  readonly active_version: number | null;
  readonly building_generation: number | null;
  readonly building_version: number | null;
  readonly last_generation: number;
}

const ROW_COLUMNS = `name, active_generation, active_version, building_generation,
  building_version, last_generation`;

/** Every projection's row, for operators. */
export async function readProjectionRows(sql: SqlExecutor): Promise<ProjectionRow[]> {
  return sql.query<ProjectionRow>(`SELECT ${ROW_COLUMNS} FROM projections ORDER BY name`);
}

/** One projection's row; `undefined` when it has none yet. */
export async function readProjectionRow(
  sql: SqlExecutor,
  name: string,
): Promise<ProjectionRow | undefined> {
  const [row] = await sql.query<ProjectionRow>(
    `SELECT ${ROW_COLUMNS} FROM projections WHERE name = $1`,
    [name],
    'strata_read_projection',
  );
  return row;
}

/**
 * The projection's row, share-locked for the rest of the transaction: the generations it names
 * are neither switched nor dropped until the transaction ends (both lock the row for update).
 */
export async function shareProjectionRow(
  sql: SqlExecutor,
  name: string,
): Promise<ProjectionRow | undefined> {
  const [row] = await sql.query<ProjectionRow>(
    `SELECT ${ROW_COLUMNS} FROM projections WHERE name = $1 FOR SHARE`,
    [name],
    'strata_share_projection',
  );
  return row;
}

/** Locks the projection's row for the rest of the transaction, creating it if needed. */
export async function lockProjectionRow(sql: SqlExecutor, name: string): Promise<ProjectionRow> {
  await sql.query('INSERT INTO projections (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
    name,
  ]);
  const [row] = await sql.query<ProjectionRow>(
    `SELECT ${ROW_COLUMNS} FROM projections WHERE name = $1 FOR UPDATE`,
    [name],
  );
  if (row === undefined) throw new Error(`projection row ${name} vanished`);
  return row;
}

/** Records that no generation of `name` is being built any more. */
export async function stopBuilding(sql: SqlExecutor, name: string): Promise<void> {
  await sql.query(
    `UPDATE projections SET building_generation = NULL, building_version = NULL,
            updated_at = now() WHERE name = $1`,
    [name],
  );
}

/** Records a new generation being built for `version`; returns its number. */
export async function startBuilding(
  sql: SqlExecutor,
  row: ProjectionRow,
  version: number,
): Promise<number> {
  const generation = row.last_generation + 1;
  await sql.query(
    `UPDATE projections SET building_generation = $2, building_version = $3, last_generation = $2,
            updated_at = now() WHERE name = $1`,
    [row.name, generation, version],
  );
  return generation;
}

/**
 * Makes the building generation the active one, if it still is the building one; returns the
 * generation it replaced (to drop), or `undefined` when nothing changed.
 */
export async function promoteBuilding(
  sql: SqlExecutor,
  name: string,
  generation: number,
): Promise<{ replaced: number | null } | undefined> {
  const row = await lockProjectionRow(sql, name);
  if (row.building_generation !== generation) return undefined;
  await sql.query(
    `UPDATE projections SET active_generation = building_generation,
            active_version = building_version, building_generation = NULL,
            building_version = NULL, updated_at = now()
      WHERE name = $1`,
    [name],
  );
  return { replaced: row.active_generation };
}
