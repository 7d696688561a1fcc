import { describe, expect, it } from 'vitest';

import type { StoredEvent } from '../store/index.js';
import { planAfterFailures } from './batch-plan.js';

const event = (id: string, streamId: string) => ({ id, streamId }) as StoredEvent;

describe('planAfterFailures', () => {
  it('parks each failed event and its stream’s later events, nothing of other streams', () => {
    const batch = [
      event('a1', 'a'),
      event('b1', 'b'),
      event('a2', 'a'),
      event('c1', 'c'),
      event('a3', 'a'),
      event('b2', 'b'),
    ];
    const { park, newlyBlocked } = planAfterFailures(batch, new Map([['a2', 'answered 503']]));
    expect(park.map((request) => [request.event.id, request.status, request.error])).toEqual([
      ['a2', 'failed', 'answered 503'],
      ['a3', 'blocked', undefined],
    ]);
    expect(park[0]?.attempts).toBe(1);
    expect([...newlyBlocked]).toEqual(['a']);
  });

  it('parks nothing when nothing failed', () => {
    expect(planAfterFailures([event('a1', 'a')], new Map()).park).toEqual([]);
  });
});
