#!/usr/bin/env node
// The `strata` binary: the command line of this process, on its own environment and output.
import { processIo } from './io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), processIo);
