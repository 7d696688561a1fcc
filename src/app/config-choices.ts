/** The pino levels `logLevel` accepts, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What an API key may do: send commands, run queries, or everything including reading the log. */
export const API_KEY_ROLES = ['command', 'query', 'admin'] as const;

/** A setting that breaks a rule, with the message saying what is allowed. */
export interface ConfigProblem {
  /** The setting's path, as the schema reports it (`logLevel`, `apiKeys/0/roles/1`). */
  readonly path: string;
  readonly message: string;
}

const quoted = (value: unknown): string =>
  value === undefined ? 'nothing' : JSON.stringify(value);

/** `logLevel` not one of the levels: names them all. */
function logLevelProblems(settings: Record<string, unknown>): ConfigProblem[] {
  const level = settings.logLevel;
  if ((LOG_LEVELS as readonly unknown[]).includes(level)) return [];
  return [
    {
      path: 'logLevel',
      message: `logLevel (STRATA_LOG_LEVEL) must be one of ${LOG_LEVELS.join(', ')}; got ${quoted(level)}`,
    },
  ];
}

/** Roles that do not exist, keys holding a separator, and keys or names given twice. */
function apiKeyProblems(settings: Record<string, unknown>): ConfigProblem[] {
  const keys = settings.apiKeys;
  if (!Array.isArray(keys)) return [];
  const problems: ConfigProblem[] = [];
  const seenKeys = new Map<unknown, number>();
  const seenNames = new Map<unknown, number>();
  keys.forEach((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const { name, key, roles } = entry as Record<string, unknown>;
    const which = `apiKeys/${index} (${quoted(name)})`;
    if (Array.isArray(roles)) {
      roles.forEach((role: unknown, at) => {
        if ((API_KEY_ROLES as readonly unknown[]).includes(role)) return;
        problems.push({
          path: `apiKeys/${index}/roles/${at}`,
          message: `${which} has the role ${quoted(role)}; roles are ${API_KEY_ROLES.join(', ')}`,
        });
      });
    }
    if (typeof key === 'string' && /[:,]/.test(key)) {
      problems.push({
        path: `apiKeys/${index}/key`,
        message: `${which}: a key cannot contain ":" or "," (STRATA_API_KEYS is name:key:role+role,…)`,
      });
    }
    const sameKey = seenKeys.get(key);
    if (key !== undefined && sameKey !== undefined) {
      problems.push({
        path: `apiKeys/${index}/key`,
        message: `${which} has the same key as apiKeys/${sameKey}; each key must be listed once`,
      });
    }
    const sameName = seenNames.get(name);
    if (name !== undefined && sameName !== undefined) {
      problems.push({
        path: `apiKeys/${index}/name`,
        message: `${which} has the same name as apiKeys/${sameName}; each name must be listed once`,
      });
    }
    seenKeys.set(key, sameKey ?? index);
    seenNames.set(name, sameName ?? index);
  });
  return problems;
}

/**
 * The settings whose allowed values are a list or a rule the schema alone would report
 * obscurely ("must be equal to constant"): each message names what is allowed.
 */
export function choiceProblems(settings: Record<string, unknown>): ConfigProblem[] {
  return [...logLevelProblems(settings), ...apiKeyProblems(settings)];
}
