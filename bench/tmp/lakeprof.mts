import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { toLakeLine } from '../../src/lake/index.js';
import { fillLog, readLog } from '../support/bus-fixture.js';
import { pgliteTarget } from '../support/targets.js';
const target = await pgliteTarget();
await fillLog(target.store, 10000);
const events = await readLog(target.store);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); const lines = events.map(toLakeLine); const text = lines.join('\n') + '\n'; const tl = performance.now() - t;
  t = performance.now(); const z6 = gzipSync(text); const t6 = performance.now() - t;
  t = performance.now(); const z1 = gzipSync(text, { level: 1 }); const t1 = performance.now() - t;
  t = performance.now(); const z3 = gzipSync(text, { level: 3 }); const t3 = performance.now() - t;
  t = performance.now(); createHash('sha256').update(text).digest('hex'); const th = performance.now() - t;
  console.log({ lines: tl.toFixed(1), gz6: t6.toFixed(1), gz3: t3.toFixed(1), gz1: t1.toFixed(1), sha: th.toFixed(1), bytes: text.length, z6: z6.length, z3: z3.length, z1: z1.length });
}
await target.close();
