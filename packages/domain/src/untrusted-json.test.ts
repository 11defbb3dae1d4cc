import { describe, expect, it } from 'vitest';
import { PayloadTooLargeError, ValidationError } from './errors.js';
import { checkJsonLimits, parseUntrustedJson } from './untrusted-json.js';

const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('checkJsonLimits', () => {
  it('accepts a value within every limit', () => {
    expect(checkJsonLimits({ a: [1, 'two', { b: null }] }, { maxDepth: 3, maxNodes: 6, maxArrayLength: 3, maxStringLength: 3 })).toBeUndefined();
  });

  it('names the first object nested too deep', () => {
    expect(checkJsonLimits(JSON.parse(nested(5)), { maxDepth: 3 })).toMatchObject({ kind: 'too-deep', field: 'a.a.a' });
  });

  it('walks 40,000 levels of nesting without overflowing the stack', () => {
    expect(checkJsonLimits(JSON.parse(nested(40_000)), { maxDepth: 50_000 })).toBeUndefined();
  });

  it('names a list that is too long, under the prefix', () => {
    const issue = checkJsonLimits({ subject: { identifier: [1, 2, 3] } }, { maxDepth: 8, maxArrayLength: 2 }, ['credential']);
    expect(issue).toMatchObject({ kind: 'too-large', field: 'credential.subject.identifier' });
    expect(issue?.message).toContain('3 items');
  });

  it('names a string that is too long, and a member name that is', () => {
    expect(checkJsonLimits({ list: ['ok', 'x'.repeat(9)] }, { maxDepth: 4, maxStringLength: 8 })).toMatchObject({ kind: 'too-large', field: 'list.1' });
    expect(checkJsonLimits({ ['k'.repeat(9)]: 1 }, { maxDepth: 4, maxStringLength: 8 })).toMatchObject({ kind: 'too-large', field: 'k'.repeat(9) });
  });

  it('counts every value against the node limit', () => {
    expect(checkJsonLimits([1, 2, 3], { maxDepth: 4, maxNodes: 3 })).toMatchObject({ kind: 'too-large' });
    expect(checkJsonLimits([1, 2], { maxDepth: 4, maxNodes: 3 })).toBeUndefined();
  });

  it('counts objects against the object limit', () => {
    expect(checkJsonLimits([{}, { a: {} }], { maxDepth: 4, maxObjects: 2 })).toMatchObject({ kind: 'too-large' });
    expect(checkJsonLimits([{}, { a: 1 }], { maxDepth: 4, maxObjects: 2 })).toBeUndefined();
  });

  it('refuses a __proto__ member anywhere, naming it', () => {
    expect(checkJsonLimits(JSON.parse('{"a":[{"__proto__":{"x":1}}]}'), { maxDepth: 8 })).toMatchObject({ kind: 'forbidden-key', field: 'a.0.__proto__' });
  });

  it('refuses a __proto__ member written with escapes', () => {
    expect(checkJsonLimits(JSON.parse('{"\\u005f_proto__":{}}'), { maxDepth: 8 })).toMatchObject({ kind: 'forbidden-key' });
  });
});

describe('parseUntrustedJson', () => {
  it('parses JSON within the limits', () => {
    expect(parseUntrustedJson('{"a":[1]}', { maxDepth: 4 })).toEqual({ a: [1] });
  });

  it('answers text that is not JSON with a validation error', () => {
    expect(() => parseUntrustedJson('{"a":', { maxDepth: 4 })).toThrow(ValidationError);
  });

  it('answers depth with a validation error and size with payload-too-large, each naming the field', () => {
    expect(() => parseUntrustedJson(nested(40_000), { maxDepth: 32 })).toThrow(ValidationError);
    try {
      parseUntrustedJson('{"list":[1,2,3]}', { maxDepth: 4, maxArrayLength: 2 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PayloadTooLargeError);
      expect((error as PayloadTooLargeError).issues).toEqual([{ field: 'list', message: expect.stringContaining('at most 2') }]);
    }
  });
});
