import { randomBytes } from 'node:crypto';

import type { SqlExecutor } from '../../store/index.js';
import { ensureCheckpoint, forgetSubscriber } from '../../subscriptions/index.js';
import { WebhookEndpointNotFoundError } from './errors.js';

/** A signing secret of an endpoint and when it stops being used (`undefined`: current). */
export interface EndpointSecret {
  readonly secret: string;
  readonly expiresAt: Date | undefined;
}

/** A registered webhook endpoint. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly url: string;
  /** The event types it receives; `undefined`: every event. */
  readonly eventTypes: readonly string[] | undefined;
  readonly description: string;
  /** Newest first: the current secret, then those being rotated out. */
  readonly secrets: readonly EndpointSecret[];
  readonly enabled: boolean;
  readonly disabledReason: string | undefined;
  readonly disabledAt: Date | undefined;
  /** The first failed attempt since its last delivery. */
  readonly failingSince: Date | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What registering an endpoint takes (validated by `endpointInput`). */
export interface NewEndpoint {
  readonly url: string;
  readonly eventTypes?: readonly string[] | undefined;
  readonly description?: string | undefined;
  readonly secret: string;
}

/** What may change on an endpoint. */
export interface EndpointChanges {
  readonly url?: string;
  /** `null`: every event from now on. */
  readonly eventTypes?: readonly string[] | null;
  readonly description?: string;
}

interface EndpointRow {
  id: string;
  url: string;
  event_types: string[] | null;
  description: string;
  secrets: { secret: string; expiresAt: string | null }[] | string;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | string | null;
  failing_since: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const dateOrUndefined = (value: Date | string | null): Date | undefined =>
  value === null ? undefined : new Date(value);

function endpointOf(row: EndpointRow): WebhookEndpoint {
  const secrets: unknown = typeof row.secrets === 'string' ? JSON.parse(row.secrets) : row.secrets;
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types ?? undefined,
    description: row.description,
    secrets: (secrets as { secret: string; expiresAt: string | null }[]).map((entry) => ({
      secret: entry.secret,
      expiresAt: entry.expiresAt === null ? undefined : new Date(entry.expiresAt),
    })),
    enabled: row.enabled,
    disabledReason: row.disabled_reason ?? undefined,
    disabledAt: dateOrUndefined(row.disabled_at),
    failingSince: dateOrUndefined(row.failing_since),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const secretsJson = (secrets: readonly EndpointSecret[]): string =>
  JSON.stringify(
    secrets.map(({ secret, expiresAt }) => ({
      secret,
      expiresAt: expiresAt?.toISOString() ?? null,
    })),
  );

/** Whether `entry` still signs at `now`: the current secret, or one not yet expired. */
const inUse = ({ expiresAt }: EndpointSecret, now: number): boolean =>
  expiresAt === undefined || expiresAt.getTime() > now;

/** The secrets a delivery at `now` is signed with: the current one and those not yet expired. */
export const secretsInUse = (endpoint: WebhookEndpoint, now: number): string[] =>
  endpoint.secrets.filter((entry) => inUse(entry, now)).map(({ secret }) => secret);

/** The subscriber that delivers to endpoint `id`: its checkpoint, lease and parked events. */
export const webhookSubscriberName = (id: string): string => `effect:webhook:${id}`;

/**
 * Registers `endpoint`, enabled, from the log's end (its checkpoint set there); returns it with
 * its new id (`ep_…`).
 */
export async function insertEndpoint(
  sql: SqlExecutor,
  endpoint: NewEndpoint,
): Promise<WebhookEndpoint> {
  const id = `ep_${randomBytes(12).toString('base64url')}`;
  const rows = await sql.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, url, event_types, description, secrets)
     VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING *`,
    [
      id,
      endpoint.url,
      endpoint.eventTypes === undefined ? null : [...endpoint.eventTypes],
      endpoint.description ?? '',
      secretsJson([{ secret: endpoint.secret, expiresAt: undefined }]),
    ],
  );
  // Its start is now, not when a server first runs it: every event committed after the
  // registration is delivered, however late the subscriber starts.
  await ensureCheckpoint(sql, webhookSubscriberName(id), 'end');
  return endpointOf(rows[0] as EndpointRow);
}

/** Every endpoint, oldest first. */
export async function listEndpoints(sql: SqlExecutor): Promise<WebhookEndpoint[]> {
  const rows = await sql.query<EndpointRow>(
    'SELECT * FROM webhook_endpoints ORDER BY created_at, id',
  );
  return rows.map(endpointOf);
}

/** Endpoint `id`; `WebhookEndpointNotFoundError` when there is none. */
export async function getEndpoint(sql: SqlExecutor, id: string): Promise<WebhookEndpoint> {
  const [row] = await sql.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE id = $1', [id]);
  if (row === undefined) throw new WebhookEndpointNotFoundError(id);
  return endpointOf(row);
}

/** Applies `changes` to endpoint `id`; returns it as it is now. */
export async function updateEndpoint(
  sql: SqlExecutor,
  id: string,
  changes: EndpointChanges,
): Promise<WebhookEndpoint> {
  const rows = await sql.query<EndpointRow>(
    `UPDATE webhook_endpoints
        SET url = coalesce($2, url),
            event_types = CASE WHEN $3::boolean THEN $4::text[] ELSE event_types END,
            description = coalesce($5, description),
            updated_at = now()
      WHERE id = $1 RETURNING *`,
    [
      id,
      changes.url ?? null,
      changes.eventTypes !== undefined,
      changes.eventTypes === null || changes.eventTypes === undefined
        ? null
        : [...changes.eventTypes],
      changes.description ?? null,
    ],
  );
  const [row] = rows;
  if (row === undefined) throw new WebhookEndpointNotFoundError(id);
  return endpointOf(row);
}

/**
 * Enables endpoint `id` (it resumes from where it stopped: the events since are delivered) or
 * disables it with `reason`.
 */
export async function setEndpointEnabled(
  sql: SqlExecutor,
  id: string,
  enabled: boolean,
  reason?: string,
): Promise<WebhookEndpoint> {
  const rows = await sql.query<EndpointRow>(
    `UPDATE webhook_endpoints
        SET enabled = $2,
            disabled_reason = CASE WHEN $2 THEN NULL ELSE $3 END,
            disabled_at = CASE WHEN $2 THEN NULL ELSE now() END,
            failing_since = NULL,
            updated_at = now()
      WHERE id = $1 RETURNING *`,
    [id, enabled, reason ?? 'disabled by an operator'],
  );
  const [row] = rows;
  if (row === undefined) throw new WebhookEndpointNotFoundError(id);
  return endpointOf(row);
}

/**
 * Makes `secret` the current secret of endpoint `id`; the secrets in use before are used
 * beside it until `graceEndsAt`, and those expired are dropped.
 */
export async function rotateSecret(
  sql: SqlExecutor,
  id: string,
  secret: string,
  graceEndsAt: Date,
): Promise<WebhookEndpoint> {
  const endpoint = await getEndpoint(sql, id);
  const previous = endpoint.secrets
    .filter((entry) => inUse(entry, Date.now()))
    .map((entry) => ({
      secret: entry.secret,
      expiresAt:
        entry.expiresAt === undefined || entry.expiresAt > graceEndsAt
          ? graceEndsAt
          : entry.expiresAt,
    }));
  const rows = await sql.query<EndpointRow>(
    `UPDATE webhook_endpoints SET secrets = $2::jsonb, updated_at = now()
      WHERE id = $1 RETURNING *`,
    [id, secretsJson([{ secret, expiresAt: undefined }, ...previous])],
  );
  return endpointOf(rows[0] as EndpointRow);
}

/** Deletes endpoint `id` with its checkpoint, parked events and delivery log. */
export async function deleteEndpoint(sql: SqlExecutor, id: string): Promise<void> {
  const rows = await sql.query('DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id', [id]);
  if (rows.length === 0) throw new WebhookEndpointNotFoundError(id);
  const subscriber = webhookSubscriberName(id);
  await forgetSubscriber(sql, subscriber);
  await sql.query('DELETE FROM side_effect_attempts WHERE subscriber = $1', [subscriber]);
}

/**
 * Records a failed attempt on endpoint `id` at `at` and returns since when it has been failing
 * (the first failure after its last delivery).
 */
export async function markFailing(sql: SqlExecutor, id: string, at: Date): Promise<Date> {
  const [row] = await sql.query<{ failing_since: Date | string }>(
    `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2)
      WHERE id = $1 RETURNING failing_since`,
    [id, at],
  );
  return row === undefined ? at : new Date(row.failing_since);
}

/** Endpoint `id` took a delivery: it is failing no more. */
export async function clearFailing(sql: SqlExecutor, id: string): Promise<void> {
  await sql.query(
    'UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL',
    [id],
  );
}
