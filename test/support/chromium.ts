import { existsSync } from 'node:fs';

import { describeNeeding } from './describe-needing.js';

/** Debian's `chromium`; CHROMIUM_BIN overrides. */
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** The flags a headless Chromium needs here (as root, no GPU, no calls home). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `describe` for suites driving a real Chromium: skipped loudly without it, failed under CI. */
export function describeWithChromium(name: string, suite: () => void): void {
  const problem = `Chromium (${CHROMIUM}) is not installed (apt-get install chromium)`;
  describeNeeding(
    { what: 'Chromium', problem: existsSync(CHROMIUM) ? undefined : problem },
    name,
    suite,
  );
}
