/** GET /v1/audit: every change made through the API, who made it and when. */
import { beforeAll, describe, expect, it } from 'vitest';
import { steppingClock } from '../../../test/support/clock.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

interface AuditRecord {
  id: string;
  at: string;
  actor: { kind: string; id?: string; keyId?: string };
  action: string;
  institution?: string;
  target: string;
  requestId?: string;
  details?: Record<string, unknown>;
}
interface AuditPage {
  items: AuditRecord[];
  nextCursor?: string;
}

let cx: TestExchange;
let adminKeyId: string;
/** The request id of each change made in beforeAll, by action and institution. */
const requestIds: Record<string, string> = {};
let revokedKeyId: string;

async function change(name: string, method: string, path: string) {
  const response = await cx.request(method, path, { key: cx.adminKey, body: undefined });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  requestIds[name] = response.headers.get('x-request-id')!;
  return response;
}

async function audit(query = ''): Promise<AuditPage> {
  const response = await cx.request('GET', `/v1/audit${query}`, { key: cx.adminKey });
  expect(response.status).toBe(200);
  return (await response.json()) as AuditPage;
}

beforeAll(async () => {
  // a clock one second further on each reading (starting after the setup's admin key), so "newest first" is a strict order
  cx = await testExchange({ clock: steppingClock(new Date(Date.now() + 60_000).toISOString()) });
  adminKeyId = cx.adminKey.split('_')[1]!;
  for (const id of ['uni-a', 'uni-b']) {
    const response = await cx.request('POST', '/v1/institutions', {
      key: cx.adminKey,
      body: { id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu` },
    });
    expect(response.status).toBe(201);
    requestIds[`institution.create ${id}`] = response.headers.get('x-request-id')!;
  }
  const created = (await (await change('api-key.create uni-a', 'POST', '/v1/institutions/uni-a/api-keys')).json()) as { id: string };
  revokedKeyId = created.id;
  await change('api-key.revoke uni-a', 'DELETE', `/v1/institutions/uni-a/api-keys/${revokedKeyId}`);
  await change('institution.rotate-key uni-a', 'POST', '/v1/institutions/uni-a/keys/rotate');
  await change('institution.suspend uni-b', 'POST', '/v1/institutions/uni-b/suspend');
  await change('institution.reinstate uni-b', 'POST', '/v1/institutions/uni-b/reinstate');
});

describe('GET /v1/audit', () => {
  it('lists every change, newest first', async () => {
    const { items } = await audit('?limit=100');
    expect(items.map((r) => `${r.action} ${r.institution ?? '-'}`)).toEqual([
      'institution.reinstate uni-b',
      'institution.suspend uni-b',
      'institution.rotate-key uni-a',
      'api-key.revoke uni-a',
      'api-key.create uni-a',
      'institution.create uni-b',
      'institution.create uni-a',
      'admin-key.create -',
    ]);
    const times = items.map((r) => r.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('records the admin who made each change by kind, id and key id', async () => {
    const { items } = await audit('?limit=100');
    for (const record of items.filter((r) => r.action !== 'admin-key.create')) {
      expect(record.actor).toEqual({ kind: 'admin', id: 'admin', keyId: adminKeyId });
    }
  });

  it("ties each record to the request that made it through the response's request id", async () => {
    const { items } = await audit('?limit=100');
    for (const [name, requestId] of Object.entries(requestIds)) {
      const [action, institution] = name.split(' ');
      const record = items.find((r) => r.action === action && r.institution === institution);
      expect(record?.requestId, name).toBe(requestId);
    }
  });

  it('names what was changed', async () => {
    const { items } = await audit('?limit=100');
    const targets = Object.fromEntries(items.map((r) => [`${r.action} ${r.institution ?? '-'}`, r.target]));
    expect(targets['institution.create uni-a']).toBe('institutions/uni-a');
    expect(targets['api-key.revoke uni-a']).toBe(`institutions/uni-a/api-keys/${revokedKeyId}`);
    expect(targets['institution.rotate-key uni-a']).toBe('institutions/uni-a/keys/key-2');
  });

  it("filters by institution, listing only that institution's changes, newest first", async () => {
    const { items } = await audit('?institution=uni-a');
    expect(items.map((r) => r.action)).toEqual(['institution.rotate-key', 'api-key.revoke', 'api-key.create', 'institution.create']);
    expect(items.every((r) => r.institution === 'uni-a')).toBe(true);
  });

  it('answers an empty page for an institution with no changes', async () => {
    expect(await audit('?institution=uni-nowhere')).toEqual({ items: [] });
  });

  it('pages through the log one record at a time without losing or repeating any', async () => {
    const all = (await audit('?limit=100')).items.map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await audit(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(all);
  });

  it('pages through one institution with its own cursors', async () => {
    const first = await audit('?institution=uni-a&limit=2');
    const second = await audit(`?institution=uni-a&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect([...first.items, ...second.items].map((r) => r.action)).toEqual([
      'institution.rotate-key',
      'api-key.revoke',
      'api-key.create',
      'institution.create',
    ]);
  });

  it("refuses a cursor of one institution's log on another's", async () => {
    const first = await audit('?institution=uni-a&limit=1');
    const response = await cx.request('GET', `/v1/audit?institution=uni-b&cursor=${encodeURIComponent(first.nextCursor!)}`, { key: cx.adminKey });
    expect(fieldsOf(await expectProblem(response, 400))).toEqual(['cursor']);
  });

  it('answers 400 naming institution when the filter is not an institution id', async () => {
    const response = await cx.request('GET', '/v1/audit?institution=Not%20An%20Id', { key: cx.adminKey });
    expect(fieldsOf(await expectProblem(response, 400))).toEqual(['institution']);
  });

  it('records nothing for refused requests', async () => {
    const before = (await audit('?limit=100')).items.length;
    await cx.request('POST', '/v1/institutions/uni-a/suspend', {});
    await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: { id: 'X' } });
    expect((await audit('?limit=100')).items).toHaveLength(before);
  });
});
