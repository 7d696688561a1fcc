import { spawnSync } from 'node:child_process';

import { describeNeeding } from './describe-needing.js';

/** Debian's `prometheus` package puts `promtool` here; PROMTOOL_BIN overrides. */
export const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

const available = spawnSync(PROMTOOL, ['--version']).status === 0;

/**
 * `describe` for suites that lint with `promtool`; skipped with a loud warning when it is
 * missing (`apt-get install prometheus`), failed instead under CI=true.
 */
export function describeWithPromtool(name: string, suite: () => void): void {
  const problem = `promtool (${PROMTOOL}) is not installed (apt-get install prometheus)`;
  describeNeeding({ what: 'promtool', problem: available ? undefined : problem }, name, suite);
}

/** What `promtool check metrics` says of an exposition: its exit status and its complaints. */
export function promtoolCheck(exposition: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** One sample of an exposition: its name, labels and value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments skipped). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * The value of the sample `name` whose labels include `labels`, summed over the matches (a
 * counter by one label of several); `undefined` when none matches.
 */
export function sampleValue(
  samples: readonly Sample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const matching = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, { value }) => sum + value, 0);
}
