import { HttpProblemError } from '../problems.js';

/** A query parameter as Fastify parses it: repeated ones come as an array. */
export type RawParam = string | string[] | undefined;

/** The one value of a parameter that may be given once; 400 naming it when repeated. */
export function singleParam(name: string, raw: RawParam): string | undefined {
  if (!Array.isArray(raw)) return raw;
  if (raw.length === 1) return raw[0];
  throw new HttpProblemError('INVALID_PARAMETER', `${name} may be given once`, {
    parameter: name,
  });
}

/** An integer parameter from `min` to `max`, `fallback` when absent; 400 naming it otherwise. */
export function integerParam(
  name: string,
  raw: RawParam,
  { fallback, min, max }: { fallback: number; min: number; max: number },
): number {
  const text = singleParam(name, raw);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new HttpProblemError(
      'INVALID_PARAMETER',
      `${name} must be an integer from ${min} to ${max}`,
      { parameter: name },
    );
  }
  return value;
}

/**
 * A list parameter, given as comma-separated values, repeated (`types=a&types=b`), or both;
 * `undefined` when absent or empty.
 */
export function listParam(raw: RawParam): string[] | undefined {
  const items = [raw ?? []]
    .flat()
    .flatMap((text) => text.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length === 0 ? undefined : items;
}
