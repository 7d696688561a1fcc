/**
 * What a run of the CLI reads from and writes to its surroundings. The `strata` binary passes
 * the process's own ({@link processIo}); tests pass their own to run commands in-process.
 */
export interface CliIo {
  /** The environment settings are read from (DATABASE_URL, STRATA_*). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes to standard output: what a command prints. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error: errors and progress bars. */
  readonly stderr: (text: string) => void;
}

/** The running process's environment, standard output and standard error. */
export const processIo: CliIo = {
  env: process.env,
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
};
