import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { LakeSink } from '../sink.js';

/** Downloads at once from a remote sink. */
const PARALLEL_DOWNLOADS = 8;

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Copies the object at `key` to `file` (a temporary file renamed: never half a copy). */
async function download(sink: LakeSink, key: string, file: string): Promise<void> {
  const object = await sink.get(key);
  if (object === undefined) throw new Error(`The lake object ${key} is gone from ${sink.location}`);
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, object.body);
  await rename(temporary, file);
}

/**
 * Files on this machine holding the objects `keys`, in the same order: a directory sink's own
 * files, or copies of a remote sink's objects under `cacheDir`, fetched through the sink (DuckDB's
 * S3 extension cannot be downloaded on an offline machine). A key names the same bytes forever
 * (keys are made of the cursor range), so a copy once in the cache is reused.
 */
export async function localFiles(
  sink: LakeSink,
  keys: readonly string[],
  cacheDir: string,
): Promise<string[]> {
  if (sink.localFile !== undefined) return keys.map(sink.localFile);
  // A directory per location: one cache can serve several lakes whose keys coincide.
  const location = createHash('sha256').update(sink.location).digest('hex').slice(0, 16);
  const copies = keys.map((key) => ({
    key,
    file: path.join(cacheDir, location, ...key.split('/')),
  }));
  // One queue, drained by a few downloads at once.
  const queue = copies[Symbol.iterator]();
  const worker = async () => {
    for (const { key, file } of queue) {
      if (!(await exists(file))) await download(sink, key, file);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_DOWNLOADS }, worker));
  return copies.map(({ file }) => file);
}
