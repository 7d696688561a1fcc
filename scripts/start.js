// `npm start`: build when the sources are newer than the build, then serve the devpie example
// on PGlite in ./.strata (arguments after `npm start --` go to `strata serve`). The example is
// only a default here: `--app`, STRATA_APP or a config file's `app` serve another app.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { buildIfStale, root } from './build-if-stale.js';

const program = path.join(root, 'dist/src/cli/program.js');
const example = path.join(root, 'dist/examples/devpie/app.js');

buildIfStale('dist/src/cli/program.js');

const { runCli } = await import(pathToFileURL(program).href);
await runCli([process.argv[0], program, 'serve', ...process.argv.slice(2)], {
  defaults: { app: example },
});
