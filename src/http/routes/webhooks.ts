import type { FastifyInstance } from 'fastify';

import type { StrataSystem } from '../../app/index.js';
import {
  deleteEndpoint,
  effectStatus,
  endpointRulesOf,
  endpointChangesInput,
  getEndpoint,
  insertEndpoint,
  listAttempts,
  listEndpoints,
  newEndpointInput,
  rotateSecret,
  rotationSecretInput,
  secretsInUse,
  setEndpointEnabled,
  updateEndpoint,
  webhookRetries,
  webhookSubscriberName,
  type LoggedAttempt,
  type WebhookEndpoint,
} from '../../reactors/index.js';
import { UnknownSubscriberError } from '../../subscriptions/index.js';
import type { Authenticator } from '../auth.js';
import { HttpProblemError } from '../problems.js';
import { integerParam, singleParam, type RawParam } from './params.js';

/** An endpoint as the API shows it: everything but its secrets. */
export const endpointView = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  eventTypes: endpoint.eventTypes ?? null,
  description: endpoint.description,
  enabled: endpoint.enabled,
  disabledReason: endpoint.disabledReason ?? null,
  disabledAt: endpoint.disabledAt ?? null,
  failingSince: endpoint.failingSince ?? null,
  createdAt: endpoint.createdAt,
  updatedAt: endpoint.updatedAt,
});

const attemptView = (attempt: LoggedAttempt) => ({
  eventId: attempt.eventId,
  eventType: attempt.eventType,
  globalPosition: attempt.globalPosition,
  streamId: attempt.streamId,
  attempt: attempt.attempt,
  outcome: attempt.outcome,
  httpStatus: attempt.httpStatus ?? null,
  durationMs: attempt.durationMs,
  error: attempt.error ?? null,
  attemptedAt: attempt.attemptedAt,
});

/** Where an endpoint's deliveries stand: delivered, retrying, parked, last error, lag. */
async function statusOf(system: StrataSystem, endpoint: WebhookEndpoint) {
  const subscriber = webhookSubscriberName(endpoint.id);
  const status = await effectStatus(
    system.store.driver,
    system.engine.parked,
    subscriber,
    webhookRetries(subscriber, system.webhooks.settings.scheduleMs),
  );
  const checkpoint = await system.engine.checkpoint(subscriber);
  const lag =
    checkpoint === undefined
      ? undefined
      : await system.store.backlog(
          checkpoint,
          endpoint.eventTypes === undefined ? {} : { types: endpoint.eventTypes },
          undefined,
          { maxRows: 10_000 },
        );
  return {
    delivered: status.delivered,
    failedAttempts: status.failedAttempts,
    retrying: status.retrying,
    parked: status.parked,
    heldBehind: status.heldBehind,
    lastDeliveredAt: status.lastDeliveredAt ?? null,
    lastError: status.lastError ?? null,
    lagEvents: lag?.events ?? 0,
  };
}

const OUTCOMES = ['delivered', 'failed'] as const;

function outcomeParam(raw: RawParam): 'delivered' | 'failed' | undefined {
  const outcome = singleParam('outcome', raw);
  if (outcome === undefined) return undefined;
  const known = OUTCOMES.find((candidate) => candidate === outcome);
  if (known !== undefined) return known;
  throw new HttpProblemError('INVALID_PARAMETER', 'outcome must be delivered or failed', {
    parameter: 'outcome',
  });
}

type ById = { Params: { id: string } };

/**
 * `/webhooks/endpoints…`: register, list, change, disable, enable and remove endpoints, rotate
 * their secrets and read their delivery logs; the `admin` role when keys are on.
 */
export function webhookRoutes(system: StrataSystem, auth: Authenticator) {
  const rules = endpointRulesOf(system.registry);
  const sql = system.store.driver;
  const changed = async <T>(result: T): Promise<T> => {
    await system.webhooks.refresh();
    return result;
  };
  return function webhooks(app: FastifyInstance, _options: unknown, done: () => void): void {
    const onRequest = auth.authorize('admin');
    const base = '/webhooks/endpoints';
    app.get(base, { onRequest }, async () => ({
      endpoints: (await listEndpoints(sql)).map(endpointView),
    }));
    app.post(base, { onRequest }, async (request, reply) => {
      const endpoint = await insertEndpoint(sql, newEndpointInput(request.body, rules));
      void reply.code(201).header('location', `${base}/${endpoint.id}`);
      return changed({ ...endpointView(endpoint), secret: endpoint.secrets[0]?.secret });
    });
    app.get<ById>(`${base}/:id`, { onRequest }, async (request) => {
      const endpoint = await getEndpoint(sql, request.params.id);
      return { ...endpointView(endpoint), status: await statusOf(system, endpoint) };
    });
    app.patch<ById>(`${base}/:id`, { onRequest }, async (request) =>
      changed(
        endpointView(
          await updateEndpoint(sql, request.params.id, endpointChangesInput(request.body, rules)),
        ),
      ),
    );
    app.delete<ById>(`${base}/:id`, { onRequest }, async (request, reply) => {
      await getEndpoint(sql, request.params.id);
      // Stopped here before its checkpoint and log go (other servers stop at their next read).
      await system.engine
        .remove(webhookSubscriberName(request.params.id))
        .catch((error: unknown) => {
          if (!(error instanceof UnknownSubscriberError)) throw error;
        });
      await deleteEndpoint(sql, request.params.id);
      await changed(undefined);
      return reply.code(204).send();
    });
    app.post<ById>(`${base}/:id/enable`, { onRequest }, async (request) =>
      changed(endpointView(await setEndpointEnabled(sql, request.params.id, true))),
    );
    app.post<ById & { Body: { reason?: unknown } | undefined }>(
      `${base}/:id/disable`,
      { onRequest },
      async (request) => {
        const reason = request.body?.reason;
        return changed(
          endpointView(
            await setEndpointEnabled(
              sql,
              request.params.id,
              false,
              typeof reason === 'string' && reason !== '' ? reason.slice(0, 500) : undefined,
            ),
          ),
        );
      },
    );
    app.post<ById>(`${base}/:id/rotate-secret`, { onRequest }, async (request) => {
      const secret = rotationSecretInput(request.body);
      const graceEndsAt = new Date(Date.now() + system.webhooks.settings.secretGraceMs);
      const endpoint = await rotateSecret(sql, request.params.id, secret, graceEndsAt);
      return changed({ ...endpointView(endpoint), secret, previousSecretsExpireAt: graceEndsAt });
    });
    app.get<ById>(`${base}/:id/secret`, { onRequest }, async (request) => {
      const endpoint = await getEndpoint(sql, request.params.id);
      const [current, ...previous] = secretsInUse(endpoint, Date.now());
      return { secret: current, previous };
    });
    app.get<ById & { Querystring: Record<string, RawParam> }>(
      `${base}/:id/deliveries`,
      { onRequest },
      async (request) => {
        await getEndpoint(sql, request.params.id);
        const outcome = outcomeParam(request.query.outcome);
        const attempts = await listAttempts(sql, {
          subscriber: webhookSubscriberName(request.params.id),
          limit: integerParam('limit', request.query.limit, { fallback: 50, min: 1, max: 1000 }),
          ...(outcome === undefined ? {} : { outcome }),
        });
        return { deliveries: attempts.map(attemptView) };
      },
    );
    done();
  };
}
