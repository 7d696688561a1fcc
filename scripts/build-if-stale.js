// Builds Strata (`npm run build`) when `output` is missing or older than any source under
// src/ or examples/: what `npm start` and `npm run start:services` do before they serve.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds unless `output` (a path under the root) is newer than every source; exits on failure. */
export function buildIfStale(output) {
  const built = path.join(root, output);
  const sources = Math.max(
    newestSource(path.join(root, 'src')),
    newestSource(path.join(root, 'examples')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  process.stdout.write('Building Strata…\n');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
