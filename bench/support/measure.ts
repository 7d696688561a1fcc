/** How a batch of operations went: wall time and each operation's latency. */
export interface Run {
  readonly operations: number;
  readonly seconds: number;
  /** Milliseconds, sorted ascending. */
  readonly latencies: readonly number[];
}

/** Runs `operation(0..total-1)` with `concurrency` callers in flight, timing each call. */
export async function runConcurrently(
  concurrency: number,
  total: number,
  operation: (index: number) => Promise<unknown>,
): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      const index = next++;
      const before = performance.now();
      await operation(index);
      latencies.push(performance.now() - before);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { operations: total, seconds, latencies: latencies.sort((a, b) => a - b) };
}

/** The `p`-th percentile (0..100) of ascending `sorted` values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Samples the process's heap and RSS until stopped; reports the peaks. */
export function sampleMemory(intervalMs = 20): () => { peakHeapMB: number; peakRssMB: number } {
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const { heapUsed, rss } = process.memoryUsage();
    peakHeap = Math.max(peakHeap, heapUsed);
    peakRss = Math.max(peakRss, rss);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return () => {
    clearInterval(timer);
    sample();
    return { peakHeapMB: peakHeap / 2 ** 20, peakRssMB: peakRss / 2 ** 20 };
  };
}

/** Formats a number of events (or operations) per second: 12,345/s. */
export function perSecond(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')}/s`;
}

/** Prints rows as an aligned Markdown table (so it can be pasted into RESULTS.md). */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly string[][],
): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}
