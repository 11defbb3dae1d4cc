/**
 * Bounds for JSON that comes from outside (request bodies, pasted or uploaded credentials):
 * how deep, how many values, how long a list or a string, and no `__proto__` members. Checked
 * in one linear walk without recursion, so neither 40,000 levels of nesting nor 30,000-item
 * lists reach code whose cost grows faster than the input (recursive marshallers, JSON-LD).
 */
import { PayloadTooLargeError, ValidationError, type FieldIssue } from './errors.js';

export interface JsonLimits {
  /** The deepest nesting of objects and arrays; the top-level value is at depth 1. */
  maxDepth: number;
  /** How many values (objects, arrays, strings, numbers, booleans, nulls) in all. */
  maxNodes?: number;
  /** How many objects: each is a node to JSON-LD, costing far more than a plain value. */
  maxObjects?: number;
  /** The longest array. */
  maxArrayLength?: number;
  /** The longest string, keys included, in UTF-16 code units. */
  maxStringLength?: number;
}

/** What breaks a limit: `too-deep` and `forbidden-key` are malformed input (400), `too-large` is size (413). */
export interface JsonLimitIssue extends FieldIssue {
  kind: 'too-deep' | 'too-large' | 'forbidden-key';
}

/**
 * Keys refused wherever JSON is taken in: `__proto__` is inert after JSON.parse, but any later
 * copy by assignment (`Object.assign`, a spread into a merge) turns it into a prototype, and
 * JSON-LD processors skip it, so a signed document could carry it unseen.
 */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** A value still to visit, with the way back to the root for naming its field. */
interface Pending {
  value: unknown;
  depth: number;
  key?: string;
  parent?: Pending;
}

const pathOf = (entry: Pending | undefined, prefix: readonly string[]): string => {
  const parts: string[] = [];
  for (let at = entry; at && at.key !== undefined; at = at.parent) parts.push(at.key);
  return [...prefix, ...parts.reverse()].join('.');
};

/**
 * The first limit `value` breaks, naming the field by its dotted path under `prefix`, or
 * undefined when it keeps to them all. Linear in the size of `value`.
 *
 * @example
 * checkJsonLimits(JSON.parse('{"a":[1,2,3]}'), { maxDepth: 8, maxArrayLength: 2 });
 * // { kind: 'too-large', field: 'a', message: 'is a list of 3 items; at most 2 are accepted' }
 */
export function checkJsonLimits(value: unknown, limits: JsonLimits, prefix: readonly string[] = []): JsonLimitIssue | undefined {
  const { maxDepth, maxNodes = Infinity, maxObjects = Infinity, maxArrayLength = Infinity, maxStringLength = Infinity } = limits;
  const issue = (kind: JsonLimitIssue['kind'], at: Pending | undefined, message: string): JsonLimitIssue => ({
    kind,
    field: pathOf(at, prefix) || '(body)',
    message,
  });
  const stack: Pending[] = [{ value, depth: 1 }];
  let nodes = 0;
  let objects = 0;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (++nodes > maxNodes) return issue('too-large', undefined, `holds more than ${maxNodes} values; at most ${maxNodes} are accepted`);
    const current = entry.value;
    if (typeof current === 'string') {
      if (current.length > maxStringLength) return issue('too-large', entry, `is a text of ${current.length} characters; at most ${maxStringLength} are accepted`);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (entry.depth > maxDepth) return issue('too-deep', entry, `is nested more than ${maxDepth} levels deep`);
    if (Array.isArray(current)) {
      if (current.length > maxArrayLength) return issue('too-large', entry, `is a list of ${current.length} items; at most ${maxArrayLength} are accepted`);
      // pushed in reverse, so fields are visited (and named) in document order
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], depth: entry.depth + 1, key: String(i), parent: entry });
      continue;
    }
    if (++objects > maxObjects) return issue('too-large', undefined, `holds more than ${maxObjects} objects; at most ${maxObjects} are accepted`);
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const child: Pending = { value: (current as Record<string, unknown>)[key], depth: entry.depth + 1, key, parent: entry };
      if (FORBIDDEN_KEYS.has(key)) return issue('forbidden-key', child, `"${key}" is not accepted as a member name`);
      if (key.length > maxStringLength) return issue('too-large', child, `has a name of ${key.length} characters; at most ${maxStringLength} are accepted`);
      stack.push(child);
    }
  }
  return undefined;
}

/** The error for a broken limit: 413 for size, 400 for depth and refused keys, naming the field. */
export function jsonLimitError(issue: JsonLimitIssue, what = 'the request body'): ValidationError | PayloadTooLargeError {
  const { field, message } = issue;
  return issue.kind === 'too-large'
    ? new PayloadTooLargeError(`${what} is too large to process: ${field} ${message}`, [{ field, message }])
    : new ValidationError(`${field}: ${message}`, [{ field, message }]);
}

/** Throws {@link jsonLimitError} when `value` breaks a limit. */
export function assertJsonLimits(value: unknown, limits: JsonLimits, prefix: readonly string[] = [], what?: string): void {
  const issue = checkJsonLimits(value, limits, prefix);
  if (issue) throw jsonLimitError(issue, what);
}

/**
 * JSON.parse for text from outside: a ValidationError (400, field `(body)`) for text that is
 * not JSON, and the errors of {@link assertJsonLimits} for JSON that breaks `limits`.
 *
 * @example
 * const body = parseUntrustedJson(await c.req.text(), { maxDepth: 32 });
 */
export function parseUntrustedJson(text: string, limits: JsonLimits, prefix: readonly string[] = []): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const field = prefix.join('.') || '(body)';
    throw new ValidationError(`${field} is not valid JSON: ${(error as Error).message}`, [{ field, message: 'is not valid JSON' }]);
  }
  assertJsonLimits(value, limits, prefix);
  return value;
}
