import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';

import { createPgliteDriver } from '../../src/store/index.js';

describe('a PGlite database started from a saved one', () => {
  it('holds what the saved database held, and is a copy of its own', async () => {
    const original = await PGlite.create('memory://');
    await original.exec(`CREATE TABLE saved (note text); INSERT INTO saved VALUES ('kept')`);
    const saved = await original.dumpDataDir('none');
    await original.close();

    const [first, second] = await Promise.all([
      createPgliteDriver({ loadDataDir: saved }),
      createPgliteDriver({ loadDataDir: saved }),
    ]);
    try {
      await first.exec(`INSERT INTO public.saved VALUES ('first only')`);
      expect(await first.query('SELECT note FROM public.saved ORDER BY note')).toEqual([
        { note: 'first only' },
        { note: 'kept' },
      ]);
      expect(await second.query('SELECT note FROM public.saved')).toEqual([{ note: 'kept' }]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
