/**
 * Idempotency-Key on POST /v1/institutions/{id}/credentials: a retry answers the same
 * credential, another body under the same key is refused, and a storm of concurrent
 * retries still issues exactly one credential.
 */
import type { Clock, KeyVault } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { observedKeyVault } from '../../../test/support/key-vault.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
const key: Record<string, string> = {};

type Json = Record<string, any>;

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b']) {
    key[id] = (await cx.onboard(id)).apiKey;
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/ML-1`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
});

function post(body: unknown, idempotencyKey: string | undefined, institution = 'uni-a') {
  return cx.request('POST', `/v1/institutions/${institution}/credentials`, {
    key: key[institution],
    body,
    headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
  });
}

/** The credentials uni-a issued to `email`, as its list shows them. */
async function credentialsOf(email: string, institution = 'uni-a'): Promise<Json[]> {
  const response = await cx.request('GET', `/v1/institutions/${institution}/credentials?recipient=${encodeURIComponent(email)}&limit=100`, {
    key: key[institution],
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Json[] }).items;
}

/** Items of `entity` in the table (attribute values as DynamoDB returns them). */
async function itemsOf(entity: string): Promise<Json[]> {
  return ((await tableSnapshot(cx.deps.store)) as Json[]).filter((item) => item.entity?.S === entity);
}

const recipient = (email: string) => ({ name: 'Ada', email });

describe('the Idempotency-Key header', () => {
  it('answers a retry with the same body with the same credential, byte for byte', async () => {
    const body = issueBody({ recipient: recipient('retry@example.org') });
    const first = await post(body, 'retry-1');
    const second = await post(body, 'retry-1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.text()).toBe(await first.text());
    expect(await credentialsOf('retry@example.org')).toHaveLength(1);
  });

  it('refuses the same key with another body with 422, writing nothing', async () => {
    expect((await post(issueBody({ recipient: recipient('other@example.org') }), 'other-1')).status).toBe(201);
    const before = await tableSnapshot(cx.deps.store);
    const response = await post(issueBody({ recipient: recipient('other@example.org'), result: { grade: 'A' } }), 'other-1');
    const problem = await expectProblem(response, 422);
    expect(problem.detail).toMatch(/Idempotency-Key/);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('issues a new credential for every request without the header', async () => {
    const body = issueBody({ recipient: recipient('twice@example.org') });
    const first = (await (await post(body, undefined)).json()) as Json;
    const second = (await (await post(body, undefined)).json()) as Json;
    expect(first.id).not.toBe(second.id);
    expect(await credentialsOf('twice@example.org')).toHaveLength(2);
  });

  it('belongs to one institution: another institution using the same key gets its own credential', async () => {
    const body = issueBody({ recipient: recipient('shared@example.org') });
    const a = (await (await post(body, 'shared-key', 'uni-a')).json()) as Json;
    const response = await post(body, 'shared-key', 'uni-b');
    expect(response.status).toBe(201);
    const b = (await response.json()) as Json;
    expect(b.id).not.toBe(a.id);
    expect(b.credential.issuer.id).toMatch(/:uni-b$/);
  });

  it('is given up when the first request failed, so a retry after the cause is fixed issues', async () => {
    const body = issueBody({ code: 'LATE-1', recipient: recipient('late@example.org') });
    await expectProblem(await post(body, 'late-1'), 404);
    expect((await cx.request('PUT', '/v1/institutions/uni-a/components/LATE-1', { key: key['uni-a'], body: componentBody() })).status).toBe(201);
    const retry = await post(body, 'late-1');
    expect(retry.status).toBe(201);
    expect(await credentialsOf('late@example.org')).toHaveLength(1);
  });

  it('must be printable ASCII without spaces, at most 200 characters: 400 otherwise', async () => {
    const before = await tableSnapshot(cx.deps.store);
    for (const bad of ['has space', 'x'.repeat(201), 'tab\there']) {
      await expectProblem(await post(issueBody(), bad), 400);
    }
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('50 concurrent requests with one Idempotency-Key', () => {
  const email = 'storm@example.org';
  let responses: Response[];
  let statusIndexesBefore: number;
  let auditBefore: number;

  beforeAll(async () => {
    statusIndexesBefore = (await itemsOf('status-index')).length;
    auditBefore = (await itemsOf('audit')).filter((item) => item.action?.S === 'credential.issue').length;
    const body = issueBody({ recipient: recipient(email) });
    responses = await Promise.all(Array.from({ length: 50 }, () => post(body, 'storm-1')));
  });

  it('all answer 201 with one and the same credential, byte for byte', async () => {
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
  });

  it('issue exactly one credential to the recipient', async () => {
    expect(await credentialsOf(email)).toHaveLength(1);
  });

  it('take exactly one status list index', async () => {
    expect((await itemsOf('status-index')).length - statusIndexesBefore).toBe(1);
  });

  it('leave exactly one issue record in the audit log', async () => {
    const after = (await itemsOf('audit')).filter((item) => item.action?.S === 'credential.issue').length;
    expect(after - auditBefore).toBe(1);
  });
});

describe('a key whose first request died with it', () => {
  it('is taken over by a retry once its lease has run out, and then answers that one credential', async () => {
    let offsetMs = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
    let hang = false;
    const inner = observedKeyVault();
    const keyVault: KeyVault = {
      createKey: (labels) => inner.createKey(labels),
      publicKey: (ref) => inner.publicKey(ref),
      discardKey: (ref) => inner.discardKey(ref),
      // a Lambda frozen mid-request: the signature never comes back
      sign: (ref, data) => (hang ? new Promise<Uint8Array>(() => undefined) : inner.sign(ref, data)),
    };
    const own = await testExchange({ clock, keyVault });
    const { apiKey } = await own.onboard('uni-d');
    await own.request('PUT', '/v1/institutions/uni-d/components/ML-1', { key: apiKey, body: componentBody() });
    const body = issueBody({ recipient: recipient('dead@example.org') });
    const send = () => own.request('POST', '/v1/institutions/uni-d/credentials', { key: apiKey, body, headers: { 'idempotency-key': 'dead-1' } });

    hang = true;
    void send();
    await new Promise((r) => setTimeout(r, 300));
    hang = false;
    offsetMs = 2 * 60_000;

    const retry = await send();
    expect(retry.status, await retry.clone().text()).toBe(201);
    const again = await send();
    expect(await again.text()).toBe(await retry.text());
    const listed = await own.request('GET', '/v1/institutions/uni-d/credentials?recipient=dead@example.org', { key: apiKey });
    expect(((await listed.json()) as { items: unknown[] }).items).toHaveLength(1);
  });
});
