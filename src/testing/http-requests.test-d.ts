import { Type } from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';

import { defineCommand } from '../messages/index.js';
import { defineQuery } from '../queries/index.js';
import { commandRequest, queryRequest, type AnswerOf } from './http-requests.js';

const Rename = defineCommand({
  name: 'notes.Rename',
  schema: Type.Object({ noteId: Type.String(), title: Type.String() }),
});
const GetNote = defineQuery({
  name: 'notes.GetNote',
  params: Type.Object({ noteId: Type.String() }),
  result: Type.Object({ title: Type.String(), tags: Type.Array(Type.String()) }),
  projections: ['notes.notes'],
  handler: (): Promise<{ title: string; tags: string[] } | undefined> => Promise.resolve(undefined),
});

describe('typed HTTP spec requests', () => {
  it('types command data and query parameters by their definitions', () => {
    commandRequest(Rename, { noteId: 'n1', title: 'x' });
    // @ts-expect-error: `title` is missing
    commandRequest(Rename, { noteId: 'n1' });
    // @ts-expect-error: `noteId` is a string
    queryRequest(GetNote, { noteId: 1 });
  });

  it("types a query request's expected answer by the query's result, every field optional", () => {
    expectTypeOf<AnswerOf<ReturnType<typeof queryRequest<typeof GetNote>>>>().toEqualTypeOf<{
      readonly title?: string;
      readonly tags?: readonly string[];
    }>();
    expectTypeOf<AnswerOf<ReturnType<typeof commandRequest>>>().toBeUnknown();
  });
});
