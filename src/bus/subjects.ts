/**
 * NATS subjects of Strata's messages: `<prefix>.<app>.<context>.<Name>.v<N>`, one per message
 * type and schema version, so a service subscribes to exactly the schema it was generated from.
 */

/** The default first token of every subject. */
export const DEFAULT_SUBJECT_PREFIX = 'strata';

/**
 * One subject token: characters NATS gives meaning to (`.`, `*`, `>`, whitespace) and anything
 * outside `[A-Za-z0-9_-]` become `_`, so a name can never split a token or act as a wildcard.
 */
export function subjectToken(text: string): string {
  const token = text.replace(/[^A-Za-z0-9_-]/g, '_');
  return token === '' ? '_' : token;
}

/** Where the subjects of one app live. */
export interface SubjectSpace {
  /** First token(s); default `strata`. May itself be dotted (`acme.prod`). */
  readonly prefix?: string;
  /** The app's name (`defineApp({ name })`). */
  readonly app: string;
}

/** The prefix tokens, each sanitised; dots separate them. */
const prefixTokens = (prefix: string): string => prefix.split('.').map(subjectToken).join('.');

/**
 * The subject of message `name` (`context.Name`, dotted) at schema `version`: its context and
 * name become one token each (further dots fold into the name's token).
 */
export function subjectOf(space: SubjectSpace, name: string, version: number): string {
  const [context = '', ...rest] = name.split('.');
  const local = rest.length === 0 ? context : rest.join('_');
  const contextToken = rest.length === 0 ? '_' : subjectToken(context);
  return [
    prefixTokens(space.prefix ?? DEFAULT_SUBJECT_PREFIX),
    subjectToken(space.app),
    contextToken,
    subjectToken(local),
    `v${version}`,
  ].join('.');
}

/** The wildcard that matches every subject of the app: what its JetStream stream captures. */
export function appSubjects(space: SubjectSpace): string {
  return `${prefixTokens(space.prefix ?? DEFAULT_SUBJECT_PREFIX)}.${subjectToken(space.app)}.>`;
}
