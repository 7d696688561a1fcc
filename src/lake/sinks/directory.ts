import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import type { LakeSink, StoredLakeObject } from '../sink.js';

const META = '.meta.json';

interface Meta {
  readonly count: number;
  readonly sha256: string;
}

/** Writes `bytes` to `file` durably and atomically: a temporary file, fsynced, then renamed. */
async function writeAtomically(file: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // The rename itself is durable once the directory is.
  const directory = await open(path.dirname(file), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

async function* walk(root: string, relative: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(root, key);
    else if (!entry.name.endsWith(META) && !entry.name.endsWith('.tmp')) yield key;
  }
}

/**
 * The archive in a local directory: each object a file at its key, its count and checksum in
 * `<key>.meta.json` beside it (written first, so a data file never lacks its metadata).
 */
export function directorySink(root: string): LakeSink {
  const absolute = path.resolve(root);
  const fileOf = (key: string) => path.join(absolute, ...key.split('/'));
  return {
    location: absolute,
    async put(key, object) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const meta: Meta = { count: object.count, sha256: object.sha256 };
      await writeAtomically(`${file}${META}`, JSON.stringify(meta));
      await writeAtomically(file, object.body);
    },
    async get(key): Promise<StoredLakeObject | undefined> {
      const file = fileOf(key);
      try {
        const [body, meta] = await Promise.all([
          readFile(file),
          readFile(`${file}${META}`, 'utf8'),
        ]);
        const { count, sha256 } = JSON.parse(meta) as Meta;
        return { body, count, sha256 };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    localFile: fileOf,
    close: () => undefined,
    async metadata(key) {
      try {
        const { count, sha256 } = JSON.parse(
          await readFile(`${fileOf(key)}${META}`, 'utf8'),
        ) as Meta;
        return { count, sha256 };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async *list(prefix) {
      // Walk only the directory the prefix names, then filter by the rest of it.
      const slash = prefix.lastIndexOf('/');
      const directory = slash === -1 ? '' : prefix.slice(0, slash);
      for await (const key of walk(absolute, directory)) {
        if (key.startsWith(prefix)) yield key;
      }
    },
  };
}
