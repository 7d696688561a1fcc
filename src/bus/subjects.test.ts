import { describe, expect, it } from 'vitest';

import { appSubjects, subjectOf, subjectToken } from './subjects.js';

describe('subjects', () => {
  it('names a message by prefix, app, context, name and schema version', () => {
    expect(subjectOf({ app: 'devpie' }, 'projects.TaskAdded', 1)).toBe(
      'strata.devpie.projects.TaskAdded.v1',
    );
    expect(subjectOf({ prefix: 'acme.prod', app: 'devpie' }, 'identity.UserRegistered', 3)).toBe(
      'acme.prod.devpie.identity.UserRegistered.v3',
    );
  });

  it('keeps wildcards, spaces and dots inside a name from making or splitting tokens', () => {
    expect(subjectToken('a b*c>d.e')).toBe('a_b_c_d_e');
    expect(subjectToken('')).toBe('_');
    expect(subjectOf({ app: 'my app' }, 'ctx.Name.Extra', 2)).toBe(
      'strata.my_app.ctx.Name_Extra.v2',
    );
    expect(subjectOf({ app: 'x' }, 'Undotted', 1)).toBe('strata.x._.Undotted.v1');
  });

  it("captures every subject of the app with the app's wildcard", () => {
    expect(appSubjects({ app: 'devpie' })).toBe('strata.devpie.>');
    expect(appSubjects({ prefix: 'a.b', app: 'devpie' })).toBe('a.b.devpie.>');
  });
});
