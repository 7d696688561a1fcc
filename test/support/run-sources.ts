/**
 * Node arguments that run this repository's TypeScript in a child process, with `'strata'`
 * resolved to the sources too (the package's `strata-source` export condition): the example
 * imports Strata by its package name, and without the condition a child would load the build
 * in `dist/` — a second, possibly stale, copy whose error classes are not the sources' ones.
 */
export const RUN_SOURCES: readonly string[] = ['--conditions=strata-source', '--import', 'tsx'];
