/** The member list (GET /v1/institutions, GET /v1/institutions/{id}) and suspension. */
import { describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';

interface Member {
  id: string;
  status: string;
}
interface MemberPage {
  items: Member[];
  nextCursor?: string;
}

async function listPage(cx: TestExchange, query = ''): Promise<MemberPage> {
  const response = await cx.request('GET', `/v1/institutions${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as MemberPage;
}

describe('GET /v1/institutions', () => {
  it('answers an empty page when the consortium has no members', async () => {
    const cx = await testExchange();
    expect(await listPage(cx)).toEqual({ items: [] });
  });

  it('pages through 5 members 2 at a time, in id order, each exactly once', async () => {
    const cx = await testExchange();
    for (const id of ['uni-e', 'uni-b', 'uni-d', 'uni-a', 'uni-c']) await cx.onboard(id);

    const pages: MemberPage[] = [];
    let cursor: string | undefined;
    do {
      const page = await listPage(cx, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual(['uni-a', 'uni-b', 'uni-c', 'uni-d', 'uni-e']);
    expect(pages.at(-1)!.nextCursor).toBeUndefined();
  });

  it('answers 20 members when no limit is given', async () => {
    const cx = await testExchange();
    for (let i = 0; i < 21; i++) await cx.onboard(`uni-${String(i).padStart(2, '0')}`);
    const page = await listPage(cx);
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).toBeDefined();
  });
});

describe('suspension', () => {
  it('shows a suspended institution as suspended in the member list', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await cx.onboard('uni-b');

    const response = await cx.request('POST', '/v1/institutions/uni-a/suspend', { key: cx.adminKey });

    expect(response.status).toBe(200);
    expect(((await response.json()) as Member).status).toBe('suspended');
    expect((await listPage(cx)).items.map(({ id, status }) => ({ id, status }))).toEqual([
      { id: 'uni-a', status: 'suspended' },
      { id: 'uni-b', status: 'active' },
    ]);
    expect(((await (await cx.request('GET', '/v1/institutions/uni-a')).json()) as Member).status).toBe('suspended');
  });

  it('restores the active status on reinstatement', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await cx.request('POST', '/v1/institutions/uni-a/suspend', { key: cx.adminKey });

    const response = await cx.request('POST', '/v1/institutions/uni-a/reinstate', { key: cx.adminKey });

    expect(response.status).toBe(200);
    expect((await listPage(cx)).items.map((i) => i.status)).toEqual(['active']);
  });

  it('keeps the DID document of a suspended institution, so its past credentials still verify', async () => {
    const cx = await testExchange();
    const { institution } = await cx.onboard('uni-a');
    await cx.request('POST', '/v1/institutions/uni-a/suspend', { key: cx.adminKey });

    const response = await cx.request('GET', '/institutions/uni-a/did.json');

    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe(institution.did);
  });

  it('writes nothing when suspending an institution that is already suspended', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await cx.request('POST', '/v1/institutions/uni-a/suspend', { key: cx.adminKey });
    const before = await tableSnapshot(cx.deps.store);

    const response = await cx.request('POST', '/v1/institutions/uni-a/suspend', { key: cx.adminKey });

    expect(response.status).toBe(200);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it.each(['suspend', 'reinstate'])('answers 404 to %s of an unknown institution', async (action) => {
    const cx = await testExchange();
    const before = await tableSnapshot(cx.deps.store);
    await expectProblem(await cx.request('POST', `/v1/institutions/uni-nowhere/${action}`, { key: cx.adminKey }), 404);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('GET /v1/institutions/{id}', () => {
  it('answers 404 problem for an institution that is not a member', async () => {
    const cx = await testExchange();
    await expectProblem(await cx.request('GET', '/v1/institutions/uni-nowhere'), 404);
  });
});
