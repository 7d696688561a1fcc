import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';

import { devpie } from '../examples/devpie/app.js';
import { OpenEstimation } from '../examples/devpie/estimation/index.js';
import { createSystem } from '../src/app/index.js';
import { buildGateway } from '../src/http/index.js';
import { validatorFor } from '../src/messages/index.js';
import { createPgDriver } from '../src/store/index.js';
import { percentile, perSecond, printTable } from './support/measure.js';
import { BENCH_DATABASE_URL } from './support/targets.js';

const CONNECTIONS = 64;
let counter = 0;
/** A fresh stream per request: the body of an estimation that has never been opened. */
const nextBody = () =>
  JSON.stringify({ projectId: 'bench', taskId: `t${process.pid}x${counter++}` });

async function load(url: string, seconds: number) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: nextBody() }),
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${result.non2xx} non-2xx responses and ${result.errors} errors under load`);
  }
  return { rate: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * The limit: a minimal Fastify route that validates the same body with the same compiled
 * validator and does one plain INSERT of the same row shape.
 */
async function rawServer(schema: string) {
  const pool = new pg.Pool({
    connectionString: BENCH_DATABASE_URL,
    max: 10,
    options: `-c search_path=${schema}`,
  });
  const app = Fastify();
  const validator = validatorFor(OpenEstimation.schema);
  app.post('/raw', async (request, reply) => {
    validator.assert(OpenEstimation.name, request.body);
    const body = request.body as { projectId: string; taskId: string };
    await pool.query({
      name: 'raw_insert',
      text: `INSERT INTO raw_events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
             VALUES ($1, $2, 1, 'estimation.EstimationOpened', 1, $3, $4)`,
      values: [
        uuidv7(),
        `estimation-${body.projectId}.${body.taskId}`,
        JSON.stringify(body),
        JSON.stringify({ actor: 'anonymous' }),
      ],
    });
    return reply.send({ ok: true });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `${url}/raw`,
    async close() {
      await app.close();
      await pool.end();
    },
  };
}

/** Command accepted → visible through a query, timed with read-your-writes. */
async function commandToQuery(url: string, samples: number): Promise<number[]> {
  const post = (command: string, body: unknown) =>
    fetch(`${url}/commands/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((response) => response.json() as Promise<{ position: number }>);
  await post('identity.RegisterUser', {
    userId: `owner${process.pid}`,
    email: `owner${process.pid}@example.com`,
    name: 'Owner',
  });
  const latencies: number[] = [];
  for (let index = 0; index < samples; index++) {
    const projectId = `p${process.pid}x${index}`;
    const { position } = await post('projects.CreateProject', {
      projectId,
      ownerId: `owner${process.pid}`,
      name: 'Bench',
    });
    const accepted = performance.now();
    const response = await fetch(`${url}/queries/projects.GetProject?projectId=${projectId}`, {
      headers: { 'strata-min-position': String(position) },
    });
    if (response.status !== 200) throw new Error(`query answered ${response.status}`);
    latencies.push(performance.now() - accepted);
  }
  return latencies.sort((a, b) => a - b);
}

/** `npm run bench -- http [--quick]` */
export async function httpBenchmark(args: readonly string[]): Promise<void> {
  const seconds = args.includes('--quick') ? 3 : 10;
  const schema = `strata_bench_http_${process.pid}`;
  const driver = createPgDriver({
    connectionString: BENCH_DATABASE_URL,
    schema,
    maxConnections: 20,
  });
  const system = await createSystem({ app: devpie, driver });
  await system.start();
  await driver.exec('CREATE TABLE raw_events (LIKE events INCLUDING ALL)');
  const gateway = await buildGateway({ system });
  const gatewayUrl = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const raw = await rawServer(schema);
  try {
    const rows: string[][] = [];
    const strata: Awaited<ReturnType<typeof load>>[] = [];
    const limit: Awaited<ReturnType<typeof load>>[] = [];
    for (let round = 0; round < 2; round++) {
      limit.push(await load(raw.url, seconds));
      strata.push(await load(`${gatewayUrl}/commands/${OpenEstimation.name}`, seconds));
    }
    const best = (runs: typeof strata) => runs.reduce((a, b) => (a.rate >= b.rate ? a : b));
    const s = best(strata);
    const l = best(limit);
    rows.push([
      `POST ${OpenEstimation.name}, ${CONNECTIONS} connections`,
      perSecond(s.rate),
      `${s.p50} / ${s.p99} ms`,
      perSecond(l.rate),
      `${l.p50} / ${l.p99} ms`,
      `${Math.round((s.rate / l.rate) * 100)}%`,
    ]);
    printTable(
      `http: the gateway on PostgreSQL vs a minimal Fastify route validating the same body and doing one INSERT (best of 2 alternating ${seconds}-s rounds)`,
      ['case', 'strata', 'p50 / p99', 'raw limit', 'p50 / p99', 'strata / raw'],
      rows,
    );
    const latencies = await commandToQuery(gatewayUrl, args.includes('--quick') ? 50 : 300);
    printTable(
      'http: command accepted → visible through a query (read-your-writes)',
      ['samples', 'p50', 'p99', 'max'],
      [
        [
          String(latencies.length),
          `${percentile(latencies, 50).toFixed(1)} ms`,
          `${percentile(latencies, 99).toFixed(1)} ms`,
          `${(latencies.at(-1) ?? 0).toFixed(1)} ms`,
        ],
      ],
    );
  } finally {
    await raw.close();
    await gateway.close();
    await driver.exec(`DROP SCHEMA ${schema} CASCADE`);
    await system.stop();
  }
}
