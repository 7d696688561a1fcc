import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openLakeSink } from '../lake/index.js';
import { ConfigError, resolveConfig } from './config.js';

describe('the lake configuration', () => {
  it('leaves the lake off when neither STRATA_LAKE nor lake.location is set', () => {
    expect(resolveConfig({ env: {} }).lake).toBeUndefined();
    expect(resolveConfig({ env: { AWS_S3_FORCE_PATH_STYLE: 'true' } }).lake).toBeUndefined();
  });

  it('takes the location from STRATA_LAKE and path style from AWS_S3_FORCE_PATH_STYLE', () => {
    expect(resolveConfig({ env: { STRATA_LAKE: ' ./lake ' } }).lake).toEqual({
      location: './lake',
    });
    expect(
      resolveConfig({
        env: { STRATA_LAKE: 's3://archive/devpie', AWS_S3_FORCE_PATH_STYLE: 'true' },
      }).lake,
    ).toEqual({ location: 's3://archive/devpie', s3: { forcePathStyle: true } });
  });

  it('keeps the file’s settings beside STRATA_LAKE, and refuses a bad layout or limit by name', () => {
    const file = configFile({ lake: { location: './elsewhere', layout: 'hive', lingerMs: 500 } });
    expect(resolveConfig({ env: { STRATA_LAKE: './lake' }, file }).lake).toEqual({
      location: './lake',
      layout: 'hive',
      lingerMs: 500,
    });
    const bad = (lake: unknown) => () => resolveConfig({ env: {}, file: configFile({ lake }) });
    expect(bad({ location: './lake', layout: 'flat' })).toThrow(ConfigError);
    expect(bad({ location: './lake', layout: 'flat' })).toThrow(/lake\/layout/);
    expect(bad({ location: './lake', maxEvents: 0 })).toThrow(/lake\/maxEvents/);
  });

  it('opens a directory, or an S3 bucket and prefix, and refuses a URL naming no bucket', () => {
    expect(openLakeSink('./lake').location).toMatch(/\/lake$/);
    const s3 = openLakeSink('s3://archive/devpie/events/', { region: 'us-east-1' });
    expect(s3.location).toBe('s3://archive/devpie/events/');
    s3.close();
    expect(() => openLakeSink('s3://A_b/x')).toThrow(/lake.location names no valid S3 bucket/);
  });
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A config file holding `settings`, in a directory of its own (removed after the file). */
function configFile(settings: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'strata-config-'));
  made.push(dir);
  const file = path.join(dir, 'strata.config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}
