import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';

import { ValidationError, type ValidationIssue } from './errors.js';

/** Checks values against one schema; compiled once, reused for every call. */
export interface MessageValidator {
  /** Throws `ValidationError` naming every failing field of `value`. */
  assert(messageName: string, value: unknown): void;
  /** Every failing field of `value`; empty when it is valid. */
  issues(value: unknown): ValidationIssue[];
}

const compiled = new WeakMap<TSchema, MessageValidator>();

/**
 * Most errors collected for one value. TypeBox stops at 8 by default (a guard against hostile
 * input); a client fixing a form deserves every failing field, within a bound.
 */
const MAX_ERRORS = 100;

/** The validator for `schema`, compiled on first use and cached for the schema's lifetime. */
export function validatorFor(schema: TSchema): MessageValidator {
  let validator = compiled.get(schema);
  if (validator === undefined) {
    validator = compileValidator(schema);
    compiled.set(schema, validator);
  }
  return validator;
}

function compileValidator(schema: TSchema): MessageValidator {
  const check = Compile(schema);
  const issues = (value: unknown): ValidationIssue[] =>
    check.Check(value) ? [] : collectErrors(() => check.Errors(value)).flatMap(toIssues);
  return {
    issues,
    assert(messageName, value) {
      // The compiled check is the fast path; errors are only collected for invalid input.
      if (!check.Check(value)) throw new ValidationError(messageName, issues(value));
    },
  };
}

/** Runs `collect` with TypeBox's error limit raised, restoring the caller's setting after. */
function collectErrors<T>(collect: () => T): T {
  const { maxErrors } = Settings.Get();
  Settings.Set({ maxErrors: MAX_ERRORS });
  try {
    return collect();
  } finally {
    Settings.Set({ maxErrors });
  }
}

interface RawError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly params: object;
  readonly message: string;
}

/**
 * Turns one TypeBox error into issues that point at the field itself: a missing property is
 * reported at `/parent/name` rather than at its parent, and each unexpected property on its own.
 */
function toIssues(error: RawError): ValidationIssue[] {
  const { keyword, instancePath, params } = error;
  if (keyword === 'required' && 'requiredProperties' in params) {
    return (params.requiredProperties as string[]).map((name) => ({
      path: `${instancePath}/${escapePointer(name)}`,
      rule: 'required',
      message: 'is required',
    }));
  }
  if (keyword === 'additionalProperties' && 'additionalProperties' in params) {
    return (params.additionalProperties as string[]).map((name) => ({
      path: `${instancePath}/${escapePointer(name)}`,
      rule: 'additionalProperties',
      message: 'is not an allowed property',
    }));
  }
  // `additionalProperties: false` is also reported as a false boolean sub-schema; the
  // additionalProperties entry above already names the field.
  if (keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) return [];
  return [{ path: instancePath, rule: keyword, message: error.message }];
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
