import { busLatency } from './lat.js';
import { busRegistry } from '../support/bus-fixture.js';
import { postgresTarget } from '../support/targets.js';
import { startNatsServer } from '../../test/support/nats-server.js';
import { createPgDriver } from '../../src/store/index.js';
const server = await startNatsServer();
const target = await postgresTarget(10, busRegistry);
const schema = `lat_${process.pid}`;
const consumerDriver = createPgDriver({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', schema, maxConnections: 4 });
const tx = consumerDriver.transaction.bind(consumerDriver);
const txLog: string[] = []; const t00 = performance.now();
(consumerDriver as any).transaction = async (fn: any) => { const t = performance.now(); let n = 0; const r = await tx(async (sql: any) => { const q = sql.query.bind(sql); return fn({ ...sql, query: (...a: any[]) => { n++; return q(...a); } }); }); txLog.push(`${Math.round(t - t00)}+${Math.round(performance.now() - t)}/${n}`); return r; };
const r = await busLatency({ store: target.store, url: server.url, consumerDriver, rate: 1000, seconds: 2 });
const order = (globalThis as any).order as [string, number, number][];
for (const o of [order, (globalThis as any).porder]) { const buckets = new Map<number, number>(); for (const [, l, t] of o) { const b = Math.floor(t / 100); buckets.set(b, Math.max(buckets.get(b) ?? 0, l)); } console.log([...buckets].map(([b, l]) => `${b}:${l}`).join(" ")); }
console.log(txLog.slice(0, 60).join(' '));
console.log('p99', r.helper.latencies[Math.floor(r.helper.latencies.length * 0.99)]);
await consumerDriver.exec(`DROP SCHEMA ${schema} CASCADE`); await consumerDriver.close();
await target.close(); await server.destroy();
