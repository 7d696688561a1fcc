#!/usr/bin/env node
// The `strata` command: no app is built in; `--app` or STRATA_APP names one.
import { runCli } from './program.js';

await runCli(process.argv);
