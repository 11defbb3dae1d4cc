/**
 * Bad input on the institutions routes: every wrong form of every onboarding field, bodies
 * that are not JSON or too large, bad path parameters and bad paging. Each answer is a 400
 * (or 413) problem naming exactly what is wrong, and the table is unchanged afterwards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

let cx: TestExchange;

beforeAll(async () => {
  cx = await testExchange();
  await cx.onboard('uni-a');
  await cx.onboard('uni-b');
  await cx.onboard('uni-c');
});

const valid = { id: 'uni-new', name: 'New University', country: 'NL', homepage: 'https://new.example.edu', erasmusCode: 'NL NEWUNI01' };

/** `valid` with `field` set to `value`, or left out when `value` is `MISSING`. */
const MISSING = Symbol('missing');
function withField(field: string, value: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { ...valid };
  if (value === MISSING) delete body[field];
  else body[field] = value;
  return body;
}

/** Sends an onboarding request as the admin and checks the table did not change. */
async function onboardUnchanged(options: { body?: unknown; headers?: Record<string, string> }): Promise<Response> {
  const before = await tableSnapshot(cx.deps.store);
  const response = await cx.request('POST', '/v1/institutions', { key: cx.adminKey, ...options });
  const copy = response.clone();
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  return copy;
}

const WRONG_FORMS: Array<[field: string, description: string, value: unknown]> = [
  ['id', 'a number', 42],
  ['id', 'null', null],
  ['id', 'an array', ['uni-x']],
  ['id', 'missing', MISSING],
  ['id', 'empty', ''],
  ['id', 'one character (too short)', 'a'],
  ['id', '41 characters (too long)', 'a'.repeat(41)],
  ['id', 'upper case', 'Uni-X'],
  ['id', 'a leading hyphen', '-uni-x'],
  ['id', 'an underscore', 'uni_x'],
  ['id', 'a space', 'uni x'],
  ['id', 'a slash', 'uni/x'],
  ['id', 'a non-ASCII letter', 'üni-x'],
  ['name', 'a number', 42],
  ['name', 'null', null],
  ['name', 'missing', MISSING],
  ['name', 'empty', ''],
  ['name', 'only spaces', '   '],
  ['name', '201 characters (too long)', 'n'.repeat(201)],
  ['name', 'an object', { en: 'New University' }],
  ['country', 'an unknown code', 'ZZ'],
  ['country', 'lower case', 'nl'],
  ['country', 'an alpha-3 code', 'NLD'],
  ['country', 'a country name', 'Netherlands'],
  ['country', 'empty', ''],
  ['country', 'a number', 31],
  ['country', 'null', null],
  ['country', 'missing', MISSING],
  ['homepage', 'an ftp URL', 'ftp://new.example.edu'],
  ['homepage', 'a javascript: URL', 'javascript:alert(1)'],
  ['homepage', 'a mailto: URL', 'mailto:office@new.example.edu'],
  ['homepage', 'a file: URL', 'file:///etc/passwd'],
  ['homepage', 'a host without a scheme', 'new.example.edu'],
  ['homepage', 'not a URL', 'not a url'],
  ['homepage', 'empty', ''],
  ['homepage', 'over 2048 characters', `https://new.example.edu/${'p'.repeat(2048)}`],
  ['homepage', 'a number', 42],
  ['homepage', 'null', null],
  ['homepage', 'missing', MISSING],
  ['erasmusCode', 'a number', 1],
  ['erasmusCode', 'null', null],
  ['erasmusCode', 'empty', ''],
  ['erasmusCode', '21 characters (too long)', 'NL ABCDEFGHIJKLMNO01'.padEnd(21, 'X')],
  ['erasmusCode', 'lower case', 'nl newuni01'],
  ['erasmusCode', 'no number', 'NL NEWUNI'],
];

describe('POST /v1/institutions with a wrong field', () => {
  it.each(WRONG_FORMS)('names %s when it is %s, and writes nothing', async (field, _description, value) => {
    const response = await onboardUnchanged({ body: withField(field, value) });
    const problem = await expectProblem(response, 400);
    // a field can fail several rules (empty and not matching the pattern): it is the only field named
    expect([...new Set(fieldsOf(problem))]).toEqual([field]);
    expect(problem.errors![0]!.pointer).toBe(`#/${field}`);
    expect(problem.errors![0]!.message.length).toBeGreaterThan(0);
  });

  it('names every wrong field at once', async () => {
    const problem = await expectProblem(await onboardUnchanged({ body: { ...valid, id: 'X', country: 'ZZ' } }), 400);
    expect(fieldsOf(problem).sort()).toEqual(['country', 'id']);
  });
});

describe('POST /v1/institutions at the edges of what is valid', () => {
  it.each([
    ['a two-character id', { id: 'u1' }],
    ['a 40-character id', { id: `u${'x'.repeat(39)}` }],
    ['a 200-character name', { id: 'uni-long-name', name: 'n'.repeat(200) }],
    ['an http homepage', { id: 'uni-http', homepage: 'http://uni-http.example.edu' }],
    ['no erasmusCode', { id: 'uni-no-code', erasmusCode: undefined }],
  ])('accepts %s', async (_description, change) => {
    const response = await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: { ...valid, ...change } });
    expect(response.status, await response.clone().text()).toBe(201);
  });
});

describe('POST /v1/institutions with a body that is not an institution', () => {
  it.each([
    ['did', { ...valid, did: 'did:web:evil.example' }],
    ['status', { ...valid, status: 'suspended' }],
    ['keys', { ...valid, keys: [] }],
  ])('rejects the unknown field %s with 400 naming it', async (field, body) => {
    const problem = await expectProblem(await onboardUnchanged({ body }), 400);
    expect(fieldsOf(problem)).toEqual([field]);
  });

  it('names every unknown field', async () => {
    const problem = await expectProblem(await onboardUnchanged({ body: { ...valid, colour: 'blue', motto: 'x' } }), 400);
    expect(fieldsOf(problem).sort()).toEqual(['colour', 'motto']);
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"uni-new"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('rejects a JSON body that is %s with 400', async (_description, body) => {
    await expectProblem(await onboardUnchanged({ body }), 400);
  });

  it.each([
    ['truncated JSON', '{"id": "uni-new",'],
    ['single quotes', "{'id': 'uni-new'}"],
    ['an empty body', ''],
  ])('answers 400 problem to malformed JSON (%s)', async (_description, body) => {
    await expectProblem(await onboardUnchanged({ body, headers: { 'content-type': 'application/json' } }), 400);
  });

  // 415 rather than 400: RFC 9110's answer to a body in a media type the route does not take
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x'])(
    'answers 415 problem, naming the content type, to a %s body',
    async (contentType) => {
      const problem = await expectProblem(await onboardUnchanged({ body: JSON.stringify(valid), headers: { 'content-type': contentType } }), 415);
      expect(problem.detail.toLowerCase()).toContain('content-type: application/json');
    },
  );

  it('answers 415 problem to a body sent without a content type', async () => {
    // a byte body, unlike a string one, gets no content type from fetch
    const request = new Request(new URL('/v1/institutions', PUBLIC_URL), {
      method: 'POST',
      headers: { authorization: `Bearer ${cx.adminKey}` },
      body: new TextEncoder().encode(JSON.stringify(valid)),
    });
    expect(request.headers.get('content-type')).toBeNull();
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.fetch(request), 415);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('accepts application/json with a charset', async () => {
    const response = await cx.request('POST', '/v1/institutions', {
      key: cx.adminKey,
      body: { ...valid, id: 'uni-charset' },
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.status).toBe(201);
  });
});

describe('request body size', () => {
  it('answers 413 problem to a body over 256 KB, and writes nothing', async () => {
    const body = JSON.stringify({ ...valid, name: 'n'.repeat(256 * 1024) });
    await expectProblem(await onboardUnchanged({ body }), 413);
  });

  it('answers 413 when the declared content length is over 256 KB', async () => {
    const body = JSON.stringify(valid).padEnd(257 * 1024, ' ');
    await expectProblem(await onboardUnchanged({ body, headers: { 'content-length': String(Buffer.byteLength(body)) } }), 413);
  });

  it('accepts a valid body just under 256 KB', async () => {
    const body = JSON.stringify({ ...valid, id: 'uni-big' }).padEnd(255 * 1024, ' ');
    expect((await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body })).status).toBe(201);
  });
});

describe('bad path parameters', () => {
  it.each([
    ['GET', '/v1/institutions/UPPER'],
    ['GET', '/v1/institutions/a'],
    ['GET', '/v1/institutions/uni_a'],
    ['GET', '/institutions/UPPER/did.json'],
    ['POST', '/v1/institutions/UPPER/keys/rotate'],
    ['POST', '/v1/institutions/UPPER/api-keys'],
    ['DELETE', '/v1/institutions/UPPER/api-keys/0000000000000000'],
    ['POST', '/v1/institutions/UPPER/suspend'],
    ['POST', '/v1/institutions/UPPER/reinstate'],
    ['GET', `/v1/institutions/${'a'.repeat(41)}`],
    ['GET', '/v1/institutions/%C3%BCni-a'],
  ])('%s %s answers 400 naming id', async (method, path) => {
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await cx.request(method, path, { key: cx.adminKey }), 400);
    expect(fieldsOf(problem)).toEqual(['id']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

/** A cursor as the store encodes them: base64url JSON of a DynamoDB key. */
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe.each([
  ['GET /v1/institutions', '/v1/institutions?'],
  ['GET /v1/audit', '/v1/audit?'],
  ['GET /v1/audit?institution=uni-a', '/v1/audit?institution=uni-a&'],
])('paging of %s', (_name, base) => {
  it.each(['0', '101', '-1', 'abc', '1.5', '', '1e3'])('answers 400 naming limit to limit=%s', async (limit) => {
    const problem = await expectProblem(await cx.request('GET', `${base}limit=${limit}`, { key: cx.adminKey }), 400);
    expect(fieldsOf(problem)).toEqual(['limit']);
  });

  it.each([
    ['not base64 JSON', '!!!not-a-cursor'],
    ['an empty object', encode({})],
    ['an array', encode([])],
    ['a key of another partition', encode({ pk: 'INST#uni-a', sk: 'PROFILE', gsi1pk: 'OTHER', gsi1sk: 'INST#uni-a' })],
    ['a key with an extra attribute', encode({ pk: 'INST#uni-a', sk: 'PROFILE', gsi1pk: 'MEMBERS', gsi1sk: 'INST#uni-a', x: '1' })],
    ['a key with an object value', encode({ pk: { S: 'x' }, sk: 'PROFILE', gsi1pk: 'MEMBERS', gsi1sk: 'INST#uni-a' })],
    ['over 2048 characters', 'a'.repeat(2049)],
  ])('answers 400 naming cursor to a cursor that is %s', async (_description, cursor) => {
    const problem = await expectProblem(await cx.request('GET', `${base}cursor=${encodeURIComponent(cursor)}`, { key: cx.adminKey }), 400);
    expect(fieldsOf(problem)).toEqual(['cursor']);
  });
});

describe('cursors of one list used on another', () => {
  async function nextCursor(path: string): Promise<string> {
    const page = (await (await cx.request('GET', path, { key: cx.adminKey })).json()) as { nextCursor?: string };
    expect(page.nextCursor).toBeDefined();
    return page.nextCursor!;
  }

  it('refuses a member-list cursor on the audit log', async () => {
    const cursor = await nextCursor('/v1/institutions?limit=1');
    const response = await cx.request('GET', `/v1/audit?cursor=${encodeURIComponent(cursor)}`, { key: cx.adminKey });
    expect(fieldsOf(await expectProblem(response, 400))).toEqual(['cursor']);
  });

  it('refuses an audit-log cursor on the member list', async () => {
    const cursor = await nextCursor('/v1/audit?limit=1');
    const response = await cx.request('GET', `/v1/institutions?cursor=${encodeURIComponent(cursor)}`);
    expect(fieldsOf(await expectProblem(response, 400))).toEqual(['cursor']);
  });

  it("refuses an institution's audit cursor on the whole audit log", async () => {
    const cursor = await nextCursor('/v1/audit?institution=uni-a&limit=1');
    const response = await cx.request('GET', `/v1/audit?cursor=${encodeURIComponent(cursor)}`, { key: cx.adminKey });
    expect(fieldsOf(await expectProblem(response, 400))).toEqual(['cursor']);
  });
});

describe('request ids', () => {
  it.each([
    ['a list', 'GET', '/v1/institutions', false],
    ['a DID document', 'GET', '/institutions/uni-a/did.json', false],
    ['an admin action', 'POST', '/v1/institutions/uni-b/suspend', true],
    ['a 201', 'POST', '/v1/institutions/uni-a/api-keys', true],
    ['a 401', 'POST', '/v1/institutions/uni-a/suspend', false],
    ['a 404 of an unknown institution', 'GET', '/v1/institutions/uni-nowhere', false],
    ['a 404 of an unknown route inside a function', 'GET', '/v1/institutions/uni-a/keys/nowhere', false],
    ['a 404 of a method the route does not have', 'PUT', '/v1/institutions', true],
    ['a 404 of a path no function serves', 'GET', '/nowhere', false],
    ['the OpenAPI document', 'GET', '/openapi.json', false],
    ['the API reference', 'GET', '/docs', false],
  ])('are sent on %s', async (_description, method, path, admin) => {
    const response = await cx.request(method, path, admin ? { key: cx.adminKey } : {});
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
  });

  it('differ between requests', async () => {
    const a = await cx.request('GET', '/v1/institutions');
    const b = await cx.request('GET', '/v1/institutions');
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it("are the exchange's own, the caller's id handed back only as the correlation id", async () => {
    const response = await cx.request('GET', '/v1/institutions', { headers: { 'x-request-id': 'trace-1234-abcd' } });
    expect(response.headers.get('x-request-id')).not.toBe('trace-1234-abcd');
    expect(response.headers.get('x-correlation-id')).toBe('trace-1234-abcd');
  });

  it('are carried in problem documents', async () => {
    const response = await cx.request('GET', '/v1/institutions/uni-nowhere');
    const problem = await expectProblem(response, 404);
    expect(problem.requestId).toBe(response.headers.get('x-request-id'));
  });
});

describe('problem documents of paths no function serves', () => {
  it('answer 404 problem+json', async () => {
    await expectProblem(await cx.request('GET', '/nowhere'), 404);
  });
});
