import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLakeArchiver, directorySink } from '../../src/lake/index.js';
import { createSubscriptionEngine } from '../../src/subscriptions/index.js';
import { fillLog } from '../support/bus-fixture.js';
import { postgresTarget } from '../support/targets.js';
import { collect } from '../../test/support/async.js';
const target = await postgresTarget(10);
await fillLog(target.store, 100000);
const last = (await collect(target.store.readAll())).at(-1)!.cursor;
for (let r = 0; r < 3; r++) {
  const root = await mkdtemp(path.join(tmpdir(), 'lp-'));
  const name = `lake:p${r}`;
  const archiver = createLakeArchiver({ sink: directorySink(root), subscriberName: name, maxEvents: 10000, lingerMs: 0 });
  const h = archiver.subscriber.handle; let inH = 0;
  (archiver.subscriber as any).handle = async (e: any, c: any) => { const t = performance.now(); await h(e, c); inH += performance.now() - t; };
  const engine = createSubscriptionEngine({ store: target.store, pollIntervalMs: 1000 });
  engine.add(archiver.subscriber);
  const t0 = performance.now(); engine.start();
  await engine.waitUntilCaughtUp(name, last, 600000);
  const total = performance.now() - t0;
  console.log({ total: Math.round(total), inHandle: Math.round(inH), rate: Math.round(100000 / total * 1000) });
  const s = engine.stop(); archiver.stop(); await s; await rm(root, { recursive: true, force: true });
}
{ const t = performance.now(); let n = 0; for await (const _ of target.store.readAll()) n++; console.log('readAll', Math.round(n / (performance.now() - t) * 1000)); }
await target.close();
