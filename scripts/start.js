// `npm start`: build when the sources are newer than the build, then serve the devpie example
// on PGlite in ./.strata (arguments after `npm start --` go to `strata serve`). The example is
// only a default here: `--app`, STRATA_APP or a config file's `app` serve another app.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const program = path.join(root, 'dist/src/cli/program.js');
const example = path.join(root, 'dist/examples/devpie/app.js');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    newest = Math.max(newest, item.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  newestSource(path.join(root, 'src')),
  newestSource(path.join(root, 'examples')),
);
if (!existsSync(program) || statSync(program).mtimeMs < sources) {
  process.stdout.write('Building Strata…\n');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { runCli } = await import(pathToFileURL(program).href);
await runCli([process.argv[0], program, 'serve', ...process.argv.slice(2)], {
  defaults: { app: example },
});
