import { listenHost, type StrataConfig } from '../app/config.js';
import { buildGateway } from '../http/index.js';
import type { CliIo } from './io.js';
import { durabilityOf, openSystem } from './open-system.js';

/** How long stopping may take before the process exits anyway, unless configured. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Serves the configured app over HTTP until SIGINT or SIGTERM, then stops cleanly: the
 * gateway stops taking requests, subscribers finish their batch, the store closes. If that
 * takes longer than `config.shutdownTimeoutMs` (default `SHUTDOWN_TIMEOUT_MS`), or something
 * keeps the process alive after it, the process exits with code 1 and says so.
 */
export async function serve(config: StrataConfig, io: CliIo): Promise<void> {
  const started = Date.now();
  const system = await openSystem(config);
  let ready = false;
  const gateway = await buildGateway({
    system,
    apiKeys: config.apiKeys,
    bodyLimitBytes: config.bodyLimitBytes,
    logger: { level: config.logLevel },
    isStarted: () => ready,
  });
  await system.start();
  const host = listenHost(config);
  const address = await gateway.listen({ port: config.port, host });
  ready = true;
  const base = address.replace('://127.0.0.1', '://localhost');
  const lines = [
    `Strata is serving ${system.app.name} at ${base} (started in ${Date.now() - started} ms)`,
    `  API docs:   ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
    `  Data:       ${await durabilityOf(config, system.store.driver)}`,
    config.apiKeys.length === 0
      ? `  Access:     no API keys configured, so only this machine (${host}) can connect`
      : `  Access:     ${config.apiKeys.length} API key(s); requests need "Authorization: Bearer <key>"`,
    '  Stop with Ctrl-C.',
  ];
  io.stdout(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve, reject) => {
    const stop = (signal: string) => {
      io.stdout(`\n${signal}: stopping…\n`);
      // Unref'd: it ends a process that hangs (a handler that never returns, a handle left
      // open) without keeping alive one that exits by itself.
      const limitMs = config.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
      setTimeout(() => {
        io.stderr(`strata: stopping did not finish within ${limitMs} ms; exiting anyway\n`);
        process.exit(1);
      }, limitMs).unref();
      gateway
        .close()
        .finally(() => system.stop())
        .then(resolve, reject);
    };
    process.once('SIGINT', () => {
      stop('SIGINT');
    });
    process.once('SIGTERM', () => {
      stop('SIGTERM');
    });
  });
  io.stdout('Stopped.\n');
}
