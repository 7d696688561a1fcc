import { describe, expect, it } from 'vitest';

import { main } from '../../examples/quickstart.js';

describe('the README quick start', () => {
  it('creates, renames and deduplicates as it says', async () => {
    expect(await main()).toEqual([
      'created project-42 at version 1',
      'repeated create-42: duplicate=true',
      '1 projects.ProjectCreated name=Apollo',
      '2 projects.ProjectRenamed name=Artemis',
    ]);
  });
});
