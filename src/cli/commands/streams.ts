import type { StrataConfig } from '../../app/config.js';
import type { StoredEvent } from '../../store/index.js';
import { print, withStore } from './sessions.js';

/** `strata streams list`: stream ids with their versions, one a line. */
export async function listStreams(
  config: StrataConfig,
  options: { category?: string; after?: string; limit: number },
): Promise<void> {
  await withStore(config, async (store) => {
    const streams = await store.listStreams(options);
    for (const stream of streams) {
      print(
        `${stream.streamId}\tversion ${stream.version}\t${stream.lastRecordedAt.toISOString()}`,
      );
    }
    if (streams.length === 0) print('No streams.');
  });
}

/** One event as one JSON line, for `streams show` and `events tail`. */
export const eventLine = (event: StoredEvent): string =>
  JSON.stringify({
    position: event.globalPosition,
    stream: event.streamId,
    version: event.streamVersion,
    type: event.type,
    recordedAt: event.recordedAt.toISOString(),
    data: event.data,
    cursor: event.cursor,
  });

/** `strata streams show ID`: a stream's events from a version, one JSON line each. */
export async function showStream(
  config: StrataConfig,
  streamId: string,
  options: { from: number; limit: number },
): Promise<void> {
  await withStore(config, async (store) => {
    const events = await store.readStream(streamId, options);
    if (events.length === 0) print(`No events in stream ${streamId} from version ${options.from}.`);
    for (const event of events) print(eventLine(event));
  });
}
