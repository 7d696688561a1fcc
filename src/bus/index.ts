export { appSubjects, DEFAULT_SUBJECT_PREFIX, subjectOf, subjectToken } from './subjects.js';
export type { SubjectSpace } from './subjects.js';
