import { describe, expect, it } from 'vitest';

import { EventTooLargeError } from '../errors.js';
import { encodeEvents } from './encode-events.js';

describe('encoding events for an append', () => {
  it('serialises data and metadata once and gives each event a UUID v7', () => {
    const encoded = encodeEvents([{ type: 'a.B', data: { n: 1 }, metadata: { actor: 'u' } }], {
      registry: undefined,
      maxEventBytes: 1024,
    });
    expect(encoded.data).toEqual(['{"n":1}']);
    expect(encoded.metadata).toEqual(['{"actor":"u"}']);
    expect(encoded.ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(encoded.schemaVersions).toEqual([1]);
  });

  it('measures size in UTF-8 bytes against a configurable limit', () => {
    const limit = 64;
    const fits = { type: 'a.B', data: 'é'.repeat(24) }; // 48 bytes + quotes, metadata {}
    expect(() => encodeEvents([fits], { registry: undefined, maxEventBytes: limit })).not.toThrow();
    const tooBig = { type: 'a.B', data: 'é'.repeat(40) };
    expect(() => encodeEvents([tooBig], { registry: undefined, maxEventBytes: limit })).toThrow(
      EventTooLargeError,
    );
    try {
      encodeEvents([tooBig], { registry: undefined, maxEventBytes: limit });
    } catch (error) {
      expect(error).toMatchObject({ eventType: 'a.B', size: 84, limit });
    }
  });
});
