/**
 * Bad input on the credentials routes: every wrong form of every field of the issue body,
 * bodies that are not JSON, bad path parameters, bad queries and bad batch bodies. Each
 * answer is a 400 problem naming exactly what is wrong, and the table is unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
let key: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key, body: componentBody() })).status).toBe(201);
});

/** Sends a request as uni-a, checks the table did not change, and answers the response. */
async function unchanged(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const before = await tableSnapshot(cx.deps.store);
  const response = await cx.request(method, path, { key, ...options });
  const copy = response.clone();
  expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  return copy;
}

const MISSING = Symbol('missing');

/** A valid issue body with the field at `path` (dotted) set to `value`, or removed when `value` is MISSING. */
function withField(path: string, value: unknown): Record<string, any> {
  const body: Record<string, any> = issueBody({ result: { grade: 'A', ectsEarned: 5 }, evidence: [{ name: 'Project report', url: 'https://uni-a.example.edu/r/1' }] });
  const parts = path.split('.');
  let node = body;
  for (const part of parts.slice(0, -1)) node = node[part];
  if (value === MISSING) delete node[parts.at(-1)!];
  else node[parts.at(-1)!] = value;
  return body;
}

const WRONG_FORMS: Array<[field: string, description: string, value: unknown]> = [
  ['achievement', 'missing', MISSING],
  ['achievement', 'a string', 'ML-1'],
  ['achievement.type', 'unknown', 'course'],
  ['achievement.type', 'missing', MISSING],
  ['achievement.type', 'upper case', 'Component'],
  ['achievement.code', 'missing', MISSING],
  ['achievement.code', 'empty', ''],
  ['achievement.code', 'with a space', 'ML 1'],
  ['achievement.code', 'with a slash', 'ML/1'],
  ['achievement.code', 'starting with a hyphen', '-ML-1'],
  ['achievement.code', '65 characters', 'M'.repeat(65)],
  ['achievement.code', 'a number', 101],
  ['achievement.version', '0', 0],
  ['achievement.version', 'negative', -1],
  ['achievement.version', 'a fraction', 1.5],
  ['achievement.version', 'a string', '1'],
  ['achievement.institution', 'an unknown field', 'uni-b'],
  ['recipient', 'missing', MISSING],
  ['recipient.name', 'missing', MISSING],
  ['recipient.name', 'only spaces', '   '],
  ['recipient.name', '201 characters', 'n'.repeat(201)],
  ['recipient.email', 'without @', 'ada.example.org'],
  ['recipient.email', 'with a space', 'ada lovelace@example.org'],
  ['recipient.email', 'a number', 42],
  ['recipient.did', 'not a DID', 'ada'],
  ['recipient.did', 'a URL', 'https://example.org/ada'],
  ['recipient.did', 'a DID with no method-specific id', 'did:key:'],
  ['recipient.did', 'a DID with spaces', 'did:key:z6Mk abc'],
  ['recipient.studentId', 'empty', ''],
  ['recipient.studentId', '101 characters', 's'.repeat(101)],
  ['recipient.phone', 'an unknown field', '+31 20 000 0000'],
  ['result', 'a string', 'passed'],
  ['result.ectsEarned', 'negative', -1],
  ['result.ectsEarned', 'over 600', 601],
  ['result.ectsEarned', 'a string', '5'],
  ['result.grade', 'empty', ''],
  ['result.grade', 'a number', 8],
  ['result.rank', 'an unknown field', 1],
  ['evidence', 'an object', { name: 'x' }],
  ['evidence.0.url', 'not a URL', 'report.pdf'],
  ['evidence.0.url', 'an ftp URL', 'ftp://uni-a.example.edu/r/1'],
  ['evidence.0.url', 'a javascript: URL', 'javascript:alert(1)'],
  ['evidence.0.name', 'missing', MISSING],
  ['evidence.0.hash', 'an unknown field', 'abc'],
  ['validUntil', 'not a date', 'next year'],
  ['validUntil', 'a date without a time', '2030-01-01'],
  ['validUntil', 'a time without a zone', '2030-01-01T00:00:00'],
  ['validUntil', 'a number', 1893456000],
  ['issuer', 'an unknown field', 'did:web:evil.example'],
];

describe('POST /v1/institutions/{id}/credentials', () => {
  it.each(WRONG_FORMS)('answers 400 naming %s when it is %s, writing nothing', async (field, _description, value) => {
    const response = await unchanged('POST', '/v1/institutions/uni-a/credentials', { body: withField(field, value) });
    const problem = await expectProblem(response, 400);
    expect(fieldsOf(problem)).toEqual([field]);
  });

  it('answers 400 naming evidence when it lists more than 20 items', async () => {
    const evidence = Array.from({ length: 21 }, (_, i) => ({ name: `E${i}` }));
    const problem = await expectProblem(await unchanged('POST', '/v1/institutions/uni-a/credentials', { body: issueBody({ evidence }) }), 400);
    expect(fieldsOf(problem)).toEqual(['evidence']);
  });

  it('names every wrong field at once', async () => {
    const body = withField('achievement.version', 0);
    body.recipient.email = 'nope';
    const problem = await expectProblem(await unchanged('POST', '/v1/institutions/uni-a/credentials', { body }), 400);
    expect(fieldsOf(problem).sort()).toEqual(['achievement.version', 'recipient.email']);
  });

  it('answers 400 for a body that is not JSON, an array, or empty', async () => {
    for (const body of ['{"achievement":', '[]', '']) {
      await expectProblem(await unchanged('POST', '/v1/institutions/uni-a/credentials', { body, headers: { 'content-type': 'application/json' } }), 400);
    }
  });
});

describe('GET and status routes', () => {
  it('answer 400 naming credentialId when it is not a credential id', async () => {
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['POST', '/status', { status: 'revoked', reason: 'x' }],
    ] as const) {
      const response = await unchanged(method, `/v1/institutions/uni-a/credentials/not-a-uuid${suffix}`, { body });
      expect(fieldsOf(await expectProblem(response, 400))).toEqual(['credentialId']);
    }
  });

  it('answer 400 naming recipient when the list has none', async () => {
    const problem = await expectProblem(await unchanged('GET', '/v1/institutions/uni-a/credentials'), 400);
    expect(fieldsOf(problem)).toEqual(['recipient']);
  });

  it('answer 400 for a bad limit, a bad cursor and an unknown parameter', async () => {
    const base = '/v1/institutions/uni-a/credentials?recipient=ada@example.org';
    expect(fieldsOf(await expectProblem(await unchanged('GET', `${base}&limit=0`), 400))).toEqual(['limit']);
    expect(fieldsOf(await expectProblem(await unchanged('GET', `${base}&limit=abc`), 400))).toEqual(['limit']);
    await expectProblem(await unchanged('GET', `${base}&cursor=not-a-cursor`), 400);
    expect(fieldsOf(await expectProblem(await unchanged('GET', `${base}&status=revoked`), 400))).toEqual(['status']);
  });

  it('answer 400 for a cursor from another recipient’s list', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody({ recipient: { name: 'P', email: 'pager@example.org' } }) })).status).toBe(201);
    }
    const page = (await (await cx.request('GET', '/v1/institutions/uni-a/credentials?recipient=pager@example.org&limit=1', { key })).json()) as {
      nextCursor: string;
    };
    expect(page.nextCursor).toBeTruthy();
    const response = await unchanged('GET', `/v1/institutions/uni-a/credentials?recipient=other@example.org&cursor=${encodeURIComponent(page.nextCursor)}`);
    await expectProblem(response, 400);
  });
});

describe('POST /v1/institutions/{id}/credential-batches', () => {
  const batches = '/v1/institutions/uni-a/credential-batches';

  it('answers 400 naming items when it is missing, empty or not a list', async () => {
    for (const body of [{}, { items: [] }, { items: issueBody() }]) {
      expect(fieldsOf(await expectProblem(await unchanged('POST', batches, { body }), 400))).toEqual(['items']);
    }
  });

  it('answers 400 naming items when it has more than 10,000', async () => {
    const items = Array.from({ length: 10_001 }, () => ({ a: 1 }));
    expect(fieldsOf(await expectProblem(await unchanged('POST', batches, { body: { items } }), 400))).toEqual(['items']);
  });

  it('answers 400 naming an unknown field', async () => {
    expect(fieldsOf(await expectProblem(await unchanged('POST', batches, { body: { items: [issueBody()], priority: 'high' } }), 400))).toEqual(['priority']);
  });

  it('answers 400 naming batchId when reading a batch by an id of the wrong form', async () => {
    expect(fieldsOf(await expectProblem(await unchanged('GET', `${batches}/not-a-uuid`), 400))).toEqual(['batchId']);
  });

  it('answers 404 for a batch that does not exist', async () => {
    await expectProblem(await unchanged('GET', `${batches}/00000000-0000-4000-8000-000000000000`), 404);
  });
});
