import { cpus, totalmem } from 'node:os';

import { appendBenchmark } from './append.js';
import { busBenchmark } from './bus.js';
import { correlationIndexBenchmark } from './correlation-index.js';
import { httpBenchmark } from './http.js';
import { lakeBenchmark } from './lake.js';
import { projectBenchmark } from './project.js';
import { stressBenchmark } from './stress.js';
import { webhooksBenchmark } from './webhooks.js';

const benchmarks: Record<string, (args: readonly string[]) => Promise<void>> = {
  append: appendBenchmark,
  project: projectBenchmark,
  http: httpBenchmark,
  stress: stressBenchmark,
  bus: busBenchmark,
  lake: lakeBenchmark,
  webhooks: webhooksBenchmark,
  'correlation-index': correlationIndexBenchmark,
};

const [name, ...args] = process.argv.slice(2);
const selected = name === undefined ? Object.keys(benchmarks) : [name];
for (const benchmark of selected) {
  const run = benchmarks[benchmark];
  if (run === undefined) {
    console.error(
      `Unknown benchmark ${JSON.stringify(benchmark)}; known: ${Object.keys(benchmarks).join(', ')}`,
    );
    process.exit(2);
  }
  console.log(
    `# ${benchmark} — ${new Date().toISOString()} — Node ${process.version}, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  );
  await run(args);
}
