import { gunzipSync } from 'node:zlib';

import {
  fromLakeLine,
  MESSAGES_DIR,
  parseObjectKey,
  type LakeSink,
} from '../../../src/lake/index.js';
import type { StoredEvent } from '../../../src/store/index.js';
import { collect } from '../../support/async.js';
import type { TestDatabase } from '../../support/test-database.js';

/** A sink of its own for one test, and how to remove what it wrote. */
export interface TestSink {
  readonly sink: LakeSink;
  remove(): Promise<void>;
}

/** Makes a fresh, empty sink (a directory, an S3 prefix). */
export type TestSinkFactory = () => Promise<TestSink>;

/** Every event the lake holds, object by object in key order, and the objects' keys. */
export async function readLake(sink: LakeSink) {
  const keys: string[] = [];
  for await (const key of sink.list(`${MESSAGES_DIR}/`)) keys.push(key);
  const events: StoredEvent[] = [];
  for (const key of keys) {
    const object = await sink.get(key);
    if (object === undefined) throw new Error(`listed ${key}, but it is not there`);
    const metadata = await sink.metadata(key);
    if (metadata?.count !== object.count || metadata.sha256 !== object.sha256) {
      throw new Error(`${key}: its metadata alone says otherwise than with its body`);
    }
    const lines = gunzipSync(object.body).toString().trimEnd().split('\n');
    if (lines.length !== object.count)
      throw new Error(`${key}: ${lines.length} lines, metadata says ${object.count}`);
    events.push(...lines.map(fromLakeLine));
  }
  return { keys, events };
}

/**
 * Checks the lake holds every event of the log exactly once, as stored (no upcasting), and
 * that every key names its hour and range truly.
 */
export async function expectLakeIsTheLog(db: TestDatabase, sink: LakeSink) {
  const asStored = await db.openStore();
  const log = await collect(asStored.readAll());
  const { keys, events } = await readLake(sink);
  const sorted = [...events].sort((a, b) =>
    a.cursor < b.cursor ? -1 : a.cursor > b.cursor ? 1 : 0,
  );
  const ids = sorted.map((event) => event.id);
  if (new Set(ids).size !== ids.length)
    throw new Error(
      `the lake holds an event twice: ${keys.map((k) => k.replace(/0{8,}/g, '~')).join('\n')}`,
    );
  for (const key of keys) {
    const name = parseObjectKey(key);
    if (name === undefined) throw new Error(`not a lake key: ${key}`);
  }
  return { log, lake: sorted, keys };
}
