import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, describe, expect, it } from 'vitest';

import { startServer, type ServerProcess } from '../support/strata-process.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SESSION = fileURLToPath(new URL('./client/readme-session.ts', import.meta.url));
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

/** The strict settings of the project, for a program that a user would compile. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    outDir: 'out',
  },
  files: ['readme-session.ts', 'api.d.ts'],
};

/** A directory holding the generated types, the session and its settings, with the packages. */
async function clientProject(document: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-client-'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await writeFile(path.join(dir, 'api.d.ts'), astToString(await openapiTS(document as never)));
  await copyFile(SESSION, path.join(dir, 'readme-session.ts'));
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  await mkdir(path.join(dir, 'out'));
  return dir;
}

/** Runs tsc over the client project; its type errors (on stdout) are the failure's message. */
async function compile(dir: string): Promise<void> {
  try {
    await run(process.execPath, [TSC, '-p', dir], { cwd: dir });
  } catch (error) {
    throw new Error(
      `the generated client does not compile:\n${String((error as { stdout?: unknown }).stdout)}`,
      {
        cause: error,
      },
    );
  }
}

describe('a client generated from the OpenAPI document', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("compiles strictly and runs the README's session against strata serve", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-client-data-'));
    dirs.push(dataDir);
    const server = await startServer(['--data-dir', dataDir]);
    servers.push(server);
    const document: unknown = await (await fetch(`${server.url}/openapi.json`)).json();
    const dir = await clientProject(document);
    dirs.push(dir);

    await compile(dir);
    const { stdout } = await run(process.execPath, [
      path.join(dir, 'out/readme-session.js'),
      server.url,
    ]);

    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen.registered).toMatchObject({ streamId: 'user-ada', version: 1 });
    expect(seen.replayed).toBe('true');
    expect(seen.created).toMatchObject({ streamId: 'project-apollo', version: 1 });
    expect(seen.project).toMatchObject({
      projectId: 'apollo',
      ownerId: 'ada',
      tasks: [{ taskId: 'design', title: 'Design the lander', status: 'open', estimate: 8 }],
      totalEstimate: 8,
    });
    expect(seen.total).toBe(8);
    expect(seen.titles).toEqual(['Design the lander']);
  });
});
