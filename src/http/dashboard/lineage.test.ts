import { describe, expect, it } from 'vitest';

import { lineageOf } from './lineage.js';
import type { LoggedEvent } from './log-queries.js';

const event = (id: string, metadata: Record<string, unknown>): LoggedEvent => ({
  globalPosition: 0,
  id,
  streamId: 's-1',
  streamVersion: 1,
  type: 't.T',
  schemaVersion: 1,
  data: {},
  metadata,
  recordedAt: new Date(0),
});

describe("an event's lineage", () => {
  const root = event('e1', { commandId: 'c1' });
  const sibling = event('e2', { commandId: 'c1' });
  const reaction = event('e3', { commandId: 'c2', commandCausationId: 'e1' });
  const second = event('e4', { commandId: 'c3', commandCausationId: 'e3' });
  const conversation = [root, sibling, reaction, second];

  it('follows the causes up, nearest first', () => {
    expect(lineageOf(second, conversation).causes.map((each) => each.id)).toEqual(['e3', 'e1']);
  });

  it("lists its command's other events and what its reactions appended", () => {
    const lineage = lineageOf(root, conversation);
    expect(lineage.siblings.map((each) => each.id)).toEqual(['e2']);
    expect(lineage.effects.map((each) => each.id)).toEqual(['e3']);
    expect(lineage.causes).toEqual([]);
  });

  it('stops at a cycle', () => {
    const a = event('a', { commandId: 'x', commandCausationId: 'b' });
    const b = event('b', { commandId: 'y', commandCausationId: 'a' });
    expect(lineageOf(a, [a, b]).causes.map((each) => each.id)).toEqual(['b']);
  });
});
