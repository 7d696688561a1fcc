import { Type } from 'typebox';
import { describe, expectTypeOf, it } from 'vitest';

import { defineQuery } from './define.js';

const Project = Type.Object({ projectId: Type.String(), totalEstimate: Type.Number() });

describe('query result types', () => {
  it('types the handler answer from the declared result schema', () => {
    const GetProject = defineQuery({
      name: 'projects.GetProject',
      params: Type.Object({ projectId: Type.String() }),
      result: Project,
      projections: ['projects.detail'],
      handler: (_views, { projectId }) => Promise.resolve({ projectId, totalEstimate: 8 }),
    });
    expectTypeOf(GetProject.result).toEqualTypeOf(Project);
    expectTypeOf(GetProject.handler).returns.resolves.toEqualTypeOf<
      { projectId: string; totalEstimate: number } | undefined
    >();
  });

  it('refuses a handler whose answer is not of the result schema', () => {
    defineQuery({
      name: 'projects.GetProject',
      params: Type.Object({ projectId: Type.String() }),
      result: Project,
      projections: ['projects.detail'],
      // @ts-expect-error totalEstimate must be a number
      handler: (_views, { projectId }) => Promise.resolve({ projectId, totalEstimate: 'eight' }),
    });
  });
});
