import {
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

import { BusStreamIncompatibleError } from '../errors.js';

/** The app's JetStream stream: the settings an operator chooses. */
export interface BusStreamSettings {
  /** Stream name (letters, digits, `-`, `_`). */
  readonly name: string;
  /** The wildcard capturing the app's subjects (`appSubjects`). */
  readonly subjects: string;
  /** How long messages are kept, ms; 0 keeps them until deleted. */
  readonly maxAgeMs: number;
  /** How long the server remembers message ids to drop duplicates, ms. */
  readonly duplicateWindowMs: number;
  /** Largest message (payload and headers), bytes. */
  readonly maxMsgSize: number;
  readonly replicas: number;
}

/** Stream defaults: kept forever, 2 min duplicate window, 1 MiB messages, 1 replica. */
export const DEFAULT_STREAM_SETTINGS = {
  maxAgeMs: 0,
  duplicateWindowMs: 120_000,
  maxMsgSize: 1024 * 1024,
  replicas: 1,
} as const;

function desiredConfig(settings: BusStreamSettings): Partial<StreamConfig> & { name: string } {
  return {
    name: settings.name,
    subjects: [settings.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(settings.maxAgeMs),
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_msg_size: settings.maxMsgSize,
    num_replicas: settings.replicas,
  };
}

/** What an existing stream has that an update must not silently change. */
function incompatibilities(info: StreamInfo, settings: BusStreamSettings): string[] {
  const found: string[] = [];
  const { config } = info;
  if (config.storage !== StorageType.File) found.push(`storage is ${config.storage}, not file`);
  if (config.retention !== RetentionPolicy.Limits) {
    found.push(`retention is ${config.retention}, not limits`);
  }
  if (!config.subjects.includes(settings.subjects)) {
    found.push(`subjects are [${config.subjects.join(', ')}], not ${settings.subjects}`);
  }
  if (config.sealed) found.push('it is sealed');
  return found;
}

/**
 * Creates the stream, or brings an existing one to `settings` (limits, window, replicas). A
 * stream of another storage, retention or subjects is refused with `BusStreamIncompatibleError`.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  settings: BusStreamSettings,
): Promise<StreamInfo> {
  const desired = desiredConfig(settings);
  let existing: StreamInfo;
  try {
    existing = await jsm.streams.info(settings.name);
  } catch (error) {
    if ((error as { name?: string }).name !== 'StreamNotFoundError') throw error;
    return jsm.streams.add(desired);
  }
  const differences = incompatibilities(existing, settings);
  if (differences.length > 0) throw new BusStreamIncompatibleError(settings.name, differences);
  const { config } = existing;
  const unchanged =
    config.max_age === desired.max_age &&
    config.duplicate_window === desired.duplicate_window &&
    config.max_msg_size === desired.max_msg_size &&
    config.num_replicas === desired.num_replicas;
  if (unchanged) return existing;
  const { name, storage: _storage, retention: _retention, ...update } = desired;
  return jsm.streams.update(name, update);
}
