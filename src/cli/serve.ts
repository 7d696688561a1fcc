import type { AddressInfo } from 'node:net';

import { listenHost, type StrataConfig } from '../app/config.js';
import { buildGateway } from '../http/index.js';
import { createLogger, logSubscriberActivity, logSystemError } from './logger.js';
import { startTraceExport } from './trace-export.js';
import type { StrataSystem } from '../app/index.js';
import { durabilityOf, openSystem, redactUrl } from './open-system.js';

/** The URL of the address the server is bound to, as the operating system reports it. */
function boundUrl(address: string | AddressInfo | null): string {
  if (address === null || typeof address === 'string') return `http://${address ?? 'unknown'}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** How long stopping may take before the process exits anyway, unless configured. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** The banner's line on webhooks: how many endpoints are delivered to, how to add one. */
const webhookLine = (endpoints: number): string =>
  `  Webhooks:   ${endpoints === 0 ? 'no' : endpoints} endpoint${endpoints === 1 ? '' : 's'} ` +
  'delivered to (register with POST /webhooks/endpoints or strata webhooks add)';

/** The banner's lines on side effects, when the app has any: which run, which are off. */
function effectLines(system: StrataSystem, config: StrataConfig): string[] {
  const { running, off } = system.effects;
  const offLine = (kind: string, label: string, hint: string) => {
    const names = off.filter((effect) => effect.kind === kind).map((effect) => effect.name);
    const verb = names.length === 1 ? 'does' : 'do';
    return names.length === 0
      ? []
      : [`  ${label} off: ${names.join(', ')} ${verb} nothing (${hint})`];
  };
  return [
    ...offLine('email', 'E-mail:    ', 'set STRATA_SMTP_URL to an SMTP server'),
    ...offLine('cdn', 'CDN:       ', 'set STRATA_CDN_PURGE_URL or cdn.cloudflare'),
    ...(running.length === 0
      ? []
      : [
          `  Effects:    on: ${running.join(', ')}` +
            (config.email === undefined ? '' : ` (e-mail through ${redactUrl(config.email.url)})`),
        ]),
    webhookLine(system.webhooks.schedules().length),
  ];
}

/**
 * Serves the configured app over HTTP until SIGINT or SIGTERM, then stops cleanly: the
 * gateway stops taking requests, subscribers finish their batch, the store closes. If that
 * takes longer than `config.shutdownTimeoutMs` (default `SHUTDOWN_TIMEOUT_MS`), or something
 * keeps the process alive after it, the process exits with code 1 and says so.
 */
export async function serve(config: StrataConfig): Promise<void> {
  const started = Date.now();
  const logger = createLogger(config);
  const system = await openSystem(config, {
    onError: logSystemError(logger),
    onSubscriberActivity: logSubscriberActivity(logger),
  });
  // Before anything runs: the SDK, if asked for, is in place for the first request and batch.
  const traces = startTraceExport(system.app.name);
  let ready = false;
  const gateway = await buildGateway({
    system,
    apiKeys: config.apiKeys,
    bodyLimitBytes: config.bodyLimitBytes,
    loggerInstance: logger,
    isStarted: () => ready,
    // `/asyncapi.json` names the subjects the forwarder publishes on.
    ...(config.nats?.prefix === undefined ? {} : { subjectPrefix: config.nats.prefix }),
  });
  await system.start();
  const host = listenHost(config);
  await gateway.listen({ port: config.port, host });
  ready = true;
  const base = boundUrl(gateway.server.address());
  const lines = [
    `Strata is serving ${system.app.name} at ${base} (started in ${Date.now() - started} ms)`,
    `  API docs:   ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
    `  Dashboard:  ${base}/dashboard`,
    `  Data:       ${await durabilityOf(config, system.store.driver)}`,
    system.bus === undefined
      ? '  Bus:        off (set NATS_URL to publish every event to NATS JetStream)'
      : `  Bus:        on: every event to JetStream stream ${system.bus.stream.name} (${system.bus.stream.subjects}) at ${system.bus.status().servers.join(', ')}`,
    system.lake === undefined
      ? '  Lake:       off (set STRATA_LAKE to a directory or s3://bucket/prefix to archive every event)'
      : `  Lake:       on: every event archived by the hour to ${system.lake.status().location}`,
    ...effectLines(system, config),
    `  Metrics:    ${base}/metrics (Prometheus)`,
    `  Traces:     ${traces.description}`,
    config.apiKeys.length === 0
      ? `  Access:     no API keys configured, so only this machine (${host}) can connect`
      : `  Access:     ${config.apiKeys.length} API key(s); requests need "Authorization: Bearer <key>"`,
    '  Stop with Ctrl-C.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve, reject) => {
    const stop = (signal: string) => {
      process.stdout.write(`\n${signal}: stopping…\n`);
      // Unref'd: it ends a process that hangs (a handler that never returns, a handle left
      // open) without keeping alive one that exits by itself.
      const limitMs = config.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
      setTimeout(() => {
        process.stderr.write(
          `strata: stopping did not finish within ${limitMs} ms; exiting anyway\n`,
        );
        process.exit(1);
      }, limitMs).unref();
      gateway
        .close()
        .finally(() => system.stop())
        .finally(() => traces.shutdown())
        .then(resolve, reject);
    };
    process.once('SIGINT', () => {
      stop('SIGINT');
    });
    process.once('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
  process.stdout.write('Stopped.\n');
}
