/**
 * Notices over the API, on DynamoDB Local: issuing to an email address sends a notice with a
 * claim link (not with `"notify": false`, per request or per graduation run);
 * `POST .../credentials/{credentialId}/notices` answers 202 with a new notice whose link
 * replaces the earlier one; `GET .../notices` lists a credential's notices. Both belong to
 * the institution: another's key gets 403 and writes nothing, an unknown credential 404,
 * a credential without an address 409, bad input 400, all as problem+json.
 */
import { MemoryMailer } from '@cx/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
const mailer = new MemoryMailer();
const key: Record<string, string> = {};

beforeAll(async () => {
  cx = await testExchange({ mailer });
  for (const id of ['uni-a', 'uni-b']) {
    key[id] = (await cx.onboard(id)).apiKey;
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/ML-1`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
});

/** Issues a component of uni-a to `email` (or to `recipient`), answering the credential's id. */
async function issueTo(email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: issueBody({ recipient: { name: 'A student', email }, ...extra }) });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** The mails sent to `to` so far, once there are `count` of them (the in-process queue sends them shortly). */
async function mailsTo(to: string, count: number) {
  for (let i = 0; i < 200; i++) {
    const found = mailer.messages.filter((m) => m.to === to);
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${count} mails to ${to} did not arrive`);
}

/**
 * Waits until the in-process notice queue has sent everything (no notice left queued, and
 * no new mail for a moment), so that a table snapshot sees no sender at work.
 */
async function quiescent() {
  for (let i = 0; i < 200; i++) {
    const count = mailer.messages.length;
    const queued = await cx.deps.store.notices.queuedBefore('9999-12-31T00:00:00.000Z', 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (queued.length === 0 && mailer.messages.length === count) return;
  }
  throw new Error('the notice queue did not settle');
}

const claimLink = (text: string) => /http:\/\/exchange\.test:8080\/claim\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
const noticesPath = (credentialId: string, institution = 'uni-a') => `/v1/institutions/${institution}/credentials/${credentialId}/notices`;

async function listNotices(credentialId: string, query = '') {
  const response = await cx.request('GET', `${noticesPath(credentialId)}${query}`, { key: key['uni-a'] });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { items: Array<{ id: string; state: string; createdAt: string; sentAt?: string }>; nextCursor?: string };
}

/** Waits until every notice of the credential is no longer queued or being sent. */
async function settled(credentialId: string) {
  for (let i = 0; i < 200; i++) {
    const { items } = await listNotices(credentialId);
    if (items.every((n) => n.state !== 'queued' && n.state !== 'sending')) return items;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`notices of ${credentialId} were not sent`);
}

describe('issuing to an email address', () => {
  it('sends a notice with a claim link, listed as sent', async () => {
    const id = await issueTo('ada@example.org');

    const [mail] = await mailsTo('ada@example.org', 1);
    expect(mail!.subject).toContain('University uni-a issued you a credential');
    expect(claimLink(mail!.text)).toBeDefined();
    const items = await settled(id);
    expect(items).toEqual([{ id: mail!.id, state: 'sent', createdAt: expect.any(String), sentAt: expect.any(String) }]);
  });

  it('sends none with "notify": false', async () => {
    const id = await issueTo('quiet@example.org', { notify: false });

    expect((await listNotices(id)).items).toEqual([]);
    expect(mailer.messages.filter((m) => m.to === 'quiet@example.org')).toEqual([]);
  });

  it('sends none for a graduation run started with "notify": false', async () => {
    const body = { items: [issueBody({ recipient: { name: 'Run', email: 'run-quiet@example.org' } })], notify: false };
    const response = await cx.request('POST', '/v1/institutions/uni-a/credential-batches', { key: key['uni-a'], body });
    expect(response.status).toBe(202);
    const { id: batchId } = (await response.json()) as { id: string };
    for (let i = 0; i < 200 && !(await cx.deps.store.batches.get('uni-a', batchId))?.finishedAt; i++) await new Promise((r) => setTimeout(r, 25));

    const listed = await cx.request('GET', '/v1/institutions/uni-a/credentials?recipient=run-quiet@example.org', { key: key['uni-a'] });
    const [credential] = ((await listed.json()) as { items: Array<{ id: string }> }).items;
    expect(credential).toBeDefined();
    expect((await listNotices(credential!.id)).items).toEqual([]);
  });
});

describe('POST /v1/institutions/{id}/credentials/{credentialId}/notices', () => {
  it('answers 202 with the new notice, whose link replaces the earlier one', async () => {
    const id = await issueTo('bea@example.org');
    const [first] = await mailsTo('bea@example.org', 1);

    const response = await cx.request('POST', noticesPath(id), { key: key['uni-a'] });

    expect(response.status).toBe(202);
    const notice = (await response.json()) as { id: string; state: string; createdAt: string };
    expect(notice).toEqual({ id: expect.stringMatching(/^ntc_/), state: 'queued', createdAt: expect.any(String) });
    const [, second] = await mailsTo('bea@example.org', 2);
    expect(second!.id).toBe(notice.id);
    expect(claimLink(second!.text)).not.toBe(claimLink(first!.text));
    const delivery = await cx.deps.store.deliveries.get('uni-a', id, true);
    expect(delivery!.lastNoticeId).toBe(notice.id);
    expect((await settled(id)).map((n) => n.id)).toEqual([notice.id, first!.id]);
  });

  it('finds the credential by its bare UUID too', async () => {
    const id = await issueTo('cem@example.org');

    expect((await cx.request('POST', noticesPath(id.replace('urn:uuid:', '')), { key: key['uni-a'] })).status).toBe(202);
  });

  it('answers a retry with the same Idempotency-Key with the first notice', async () => {
    const id = await issueTo('dee@example.org');
    const send = () => cx.request('POST', noticesPath(id), { key: key['uni-a'], headers: { 'idempotency-key': 'resend-dee' } });

    const first = (await (await send()).json()) as { id: string };
    const again = await send();

    expect(again.status).toBe(202);
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    expect((await settled(id)).length).toBe(2);
  });

  it('answers 409 for a credential issued to no email address, writing nothing', async () => {
    const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', {
      key: key['uni-a'],
      body: issueBody({ recipient: { name: 'By DID', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } }),
    });
    const { id } = (await response.json()) as { id: string };
    await quiescent();
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.request('POST', noticesPath(id), { key: key['uni-a'] }), 409);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 for a credential the institution did not issue', async () => {
    await expectProblem(await cx.request('POST', noticesPath('urn:uuid:00000000-0000-4000-8000-000000000000'), { key: key['uni-a'] }), 404);
    const ofA = await issueTo('eve@example.org');
    await expectProblem(await cx.request('POST', noticesPath(ofA, 'uni-b'), { key: key['uni-b'] }), 404);
  });

  it('answers 400 naming the field for a malformed credential id or Idempotency-Key', async () => {
    const badId = await expectProblem(await cx.request('POST', noticesPath('not-a-credential'), { key: key['uni-a'] }), 400);
    expect(fieldsOf(badId)).toEqual(['credentialId']);
    const id = await issueTo('fay@example.org');
    const badKey = await expectProblem(await cx.request('POST', noticesPath(id), { key: key['uni-a'], headers: { 'idempotency-key': 'has spaces' } }), 400);
    expect(fieldsOf(badKey)).toEqual(['idempotency-key']);
  });
});

describe('GET /v1/institutions/{id}/credentials/{credentialId}/notices', () => {
  it('pages through the notices, newest first', async () => {
    const id = await issueTo('gus@example.org');
    for (let i = 0; i < 2; i++) expect((await cx.request('POST', noticesPath(id), { key: key['uni-a'] })).status).toBe(202);
    const all = await settled(id);

    const first = await listNotices(id, '?limit=2');
    const rest = await listNotices(id, `?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);

    expect(all).toHaveLength(3);
    expect([...first.items, ...rest.items].map((n) => n.id)).toEqual(all.map((n) => n.id));
    expect(rest.nextCursor).toBeUndefined();
  });

  it('answers 400 for a limit out of range or an unknown query parameter', async () => {
    const id = await issueTo('hal@example.org');
    expect(fieldsOf(await expectProblem(await cx.request('GET', `${noticesPath(id)}?limit=0`, { key: key['uni-a'] }), 400))).toEqual(['limit']);
    await expectProblem(await cx.request('GET', `${noticesPath(id)}?state=sent`, { key: key['uni-a'] }), 400);
  });
});

describe('tenancy', () => {
  let id: string;
  beforeAll(async () => {
    id = await issueTo('ivy@example.org');
    await quiescent();
  });

  for (const method of ['POST', 'GET']) {
    it(`${method} .../notices: another institution's key and the admin's get 403, no key 401, and nothing is written`, async () => {
      for (const [authorization, status] of [
        [`Bearer ${key['uni-b']}`, 403],
        [`Bearer ${cx.adminKey}`, 403],
        [undefined, 401],
      ] as const) {
        const before = await tableSnapshot(cx.deps.store);
        await expectProblem(await cx.request(method, noticesPath(id), { headers: authorization ? { authorization } : {} }), status);
        expect(await tableSnapshot(cx.deps.store)).toEqual(before);
      }
    });
  }
});
