/**
 * Reading what an institution issued, and changing a credential's status: the records show
 * the status, revocation is final, suspension can be lifted, and the institution's signed
 * status lists show every change as soon as the change call has answered.
 */
import { decodeList, readMessageStatus } from '@cx/credentials';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
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

async function issue(recipient: Record<string, unknown>, institution = 'uni-a'): Promise<{ id: string; credential: Json }> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/credentials`, { key: key[institution], body: issueBody({ recipient }) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; credential: Json };
}

function changeStatus(id: string, status: string, reason = 'a reason') {
  return cx.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key: key['uni-a'], body: { status, reason } });
}

async function getRecord(id: string): Promise<Json> {
  const response = await cx.request('GET', `/v1/institutions/uni-a/credentials/${id}`, { key: key['uni-a'] });
  expect(response.status).toBe(200);
  return (await response.json()) as Json;
}

async function list(recipient: string, institution = 'uni-a', query = ''): Promise<Json> {
  const response = await cx.request('GET', `/v1/institutions/${institution}/credentials?recipient=${encodeURIComponent(recipient)}${query}`, {
    key: key[institution],
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Json;
}

/**
 * Whether the public status list shows `credential` revoked (`revocation`) or suspended
 * (`suspension`) now: its one `message` entry's 2-bit value, read at index * statusSize.
 */
async function publishedBit(credential: Json, purpose: 'revocation' | 'suspension'): Promise<boolean> {
  const entry = credential.credentialStatus;
  expect(entry).toMatchObject({ statusPurpose: 'message', statusSize: 2 });
  const response = await cx.request('GET', new URL(entry.statusListCredential).pathname);
  expect(response.status).toBe(200);
  const list = (await response.json()) as Json;
  const status = readMessageStatus(decodeList(list.credentialSubject.encodedList), Number(entry.statusListIndex));
  return status === (purpose === 'revocation' ? 'revoked' : 'suspended');
}

describe('GET /v1/institutions/{id}/credentials/{credentialId}', () => {
  it('answers the record: what was issued, to whom, for what, with its status', async () => {
    const { id, credential } = await issue({ name: 'Ada', email: 'get@example.org', studentId: 'S-1' });
    const record = await getRecord(id);
    expect(record).toMatchObject({
      id,
      status: 'active',
      achievement: { type: 'component', institution: 'uni-a', code: 'ML-1', version: 1 },
      recipient: { name: 'Ada', email: 'get@example.org', studentId: 'S-1' },
      credential,
    });
    // validFrom is given to the second
    expect(Math.floor(Date.parse(record.issuedAt) / 1000)).toBe(Date.parse(credential.validFrom) / 1000);
  });

  it('takes the id with or without its urn:uuid: prefix', async () => {
    const { id } = await issue({ name: 'Ada', email: 'prefix@example.org' });
    expect((await getRecord(id.replace('urn:uuid:', ''))).id).toBe(id);
  });

  it('answers 404 for an id the institution did not issue, and for another institution’s credential', async () => {
    await expectProblem(await cx.request('GET', '/v1/institutions/uni-a/credentials/urn:uuid:00000000-0000-4000-8000-000000000000', { key: key['uni-a'] }), 404);
    const { id } = await issue({ name: 'Bea', email: 'bea@example.org' }, 'uni-b');
    await expectProblem(await cx.request('GET', `/v1/institutions/uni-a/credentials/${id}`, { key: key['uni-a'] }), 404);
  });
});

describe('GET /v1/institutions/{id}/credentials?recipient=', () => {
  let byDid: { id: string };
  let byEmail: { id: string };
  beforeAll(async () => {
    byEmail = await issue({ name: 'Cai', email: 'cai@example.org', studentId: 'S-CAI' });
    byDid = await issue({ name: 'Cai', did: 'did:key:z6MkCai', studentId: 'S-CAI' });
    await issue({ name: 'Cai', email: 'cai@example.org' }, 'uni-b');
  });

  it('finds a recipient by email, case-insensitively', async () => {
    expect((await list('Cai@Example.ORG')).items.map((i: Json) => i.id)).toEqual([byEmail.id]);
  });

  it('finds a recipient by DID', async () => {
    expect((await list('did:key:z6MkCai')).items.map((i: Json) => i.id)).toEqual([byDid.id]);
  });

  it('finds a recipient by student id, newest first', async () => {
    expect((await list('S-CAI')).items.map((i: Json) => i.id)).toEqual([byDid.id, byEmail.id]);
  });

  it('shows each credential’s current status', async () => {
    expect((await changeStatus(byEmail.id, 'suspended', 'under review')).status).toBe(200);
    const [item] = (await list('cai@example.org')).items;
    expect(item).toMatchObject({ id: byEmail.id, status: 'suspended', statusReason: 'under review', statusChangedAt: expect.any(String) });
  });

  it('lists only what this institution issued', async () => {
    const items = (await list('cai@example.org', 'uni-b')).items;
    expect(items).toHaveLength(1);
    expect(items[0].credential.issuer.id).toMatch(/:uni-b$/);
  });

  it('pages with limit and cursor', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await issue({ name: 'Pag', email: 'pages@example.org' })).id);
    const first = await list('pages@example.org', 'uni-a', '&limit=2');
    expect(first.items).toHaveLength(2);
    const second = await list('pages@example.org', 'uni-a', `&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
    expect([...first.items, ...second.items].map((i: Json) => i.id)).toEqual(ids.reverse());
    expect(second.nextCursor).toBeUndefined();
  });

  it('answers an empty list for a recipient it never issued to', async () => {
    expect((await list('nobody@example.org')).items).toEqual([]);
  });
});

describe('revocation', () => {
  it('answers 200 with the record marked revoked, and sets the bit before answering', async () => {
    const { id, credential } = await issue({ name: 'R', email: 'revoke@example.org' });
    expect(await publishedBit(credential, 'revocation')).toBe(false);
    const response = await changeStatus(id, 'revoked', 'plagiarism');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id, status: 'revoked', statusReason: 'plagiarism' });
    expect(await publishedBit(credential, 'revocation')).toBe(true);
    expect(await publishedBit(credential, 'suspension')).toBe(false);
    expect((await getRecord(id)).status).toBe('revoked');
  });

  it('is final: reinstating or suspending afterwards answers 409 and writes nothing', async () => {
    const { id, credential } = await issue({ name: 'R', email: 'final@example.org' });
    expect((await changeStatus(id, 'revoked')).status).toBe(200);
    const before = await tableSnapshot(cx.deps.store);
    for (const status of ['active', 'suspended']) await expectProblem(await changeStatus(id, status), 409);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    expect(await publishedBit(credential, 'revocation')).toBe(true);
  });

  it('asked again (a client retrying a lost answer) answers 200 with the record as revoked, writing nothing', async () => {
    const { id } = await issue({ name: 'R', email: 'retry@example.org' });
    const first = await changeStatus(id, 'revoked', 'plagiarism');
    expect(first.status).toBe(200);
    const before = await tableSnapshot(cx.deps.store);
    const again = await changeStatus(id, 'revoked', 'plagiarism');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('of a suspended credential clears its suspension bit', async () => {
    const { id, credential } = await issue({ name: 'R', email: 'susrev@example.org' });
    expect((await changeStatus(id, 'suspended')).status).toBe(200);
    expect((await changeStatus(id, 'revoked')).status).toBe(200);
    expect(await publishedBit(credential, 'revocation')).toBe(true);
    expect(await publishedBit(credential, 'suspension')).toBe(false);
  });

  it('touches no other credential’s bit', async () => {
    const a = await issue({ name: 'A', email: 'neighbour@example.org' });
    const b = await issue({ name: 'B', email: 'neighbour@example.org' });
    expect((await changeStatus(a.id, 'revoked')).status).toBe(200);
    expect(await publishedBit(b.credential, 'revocation')).toBe(false);
  });

  it('is audited with the reason', async () => {
    const { id } = await issue({ name: 'R', email: 'audit@example.org' });
    await changeStatus(id, 'revoked', 'issued in error');
    const audit = (await (await cx.request('GET', '/v1/audit?institution=uni-a&limit=100', { key: cx.adminKey })).json()) as Json;
    expect(audit.items).toContainEqual(
      expect.objectContaining({ action: 'credential.revoke', target: `institutions/uni-a/credentials/${id}`, details: expect.objectContaining({ reason: 'issued in error' }) }),
    );
  });
});

describe('suspension', () => {
  it('sets the suspension bit, and reinstating clears it', async () => {
    const { id, credential } = await issue({ name: 'S', email: 'suspend@example.org' });
    expect((await changeStatus(id, 'suspended', 'investigation')).status).toBe(200);
    expect(await publishedBit(credential, 'suspension')).toBe(true);
    expect(await publishedBit(credential, 'revocation')).toBe(false);
    const reinstated = await changeStatus(id, 'active', 'cleared');
    expect(reinstated.status).toBe(200);
    expect(await reinstated.json()).toMatchObject({ status: 'active', statusReason: 'cleared' });
    expect(await publishedBit(credential, 'suspension')).toBe(false);
  });

  it('answers the unchanged record when the status is already the one asked, writing nothing', async () => {
    const { id } = await issue({ name: 'S', email: 'same@example.org' });
    const before = await tableSnapshot(cx.deps.store);
    const response = await changeStatus(id, 'active');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'active' });
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('shows in the exchange’s verification, and reinstating lifts it', async () => {
    const { id, credential } = await issue({ name: 'S', email: 'verify@example.org' });
    await changeStatus(id, 'suspended');
    const suspended = (await (await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: credential } })).json()) as Json;
    expect(suspended.verified).toBe(false);
    expect(suspended.checks).toContainEqual({ check: 'suspension', ok: false, detail: 'the credential is suspended' });
    await changeStatus(id, 'active');
    const active = (await (await cx.request('POST', '/v1/credentials/verify', { body: { verifiableCredential: credential } })).json()) as Json;
    expect(active.verified).toBe(true);
  });
});

describe('20 concurrent status changes of credentials sharing one list', () => {
  it('all answer 200, and each credential ends with its own bit set', async () => {
    const issued = [];
    for (let i = 0; i < 20; i++) issued.push(await issue({ name: `C${i}`, email: `race${i}@example.org` }));
    const responses = await Promise.all(issued.map(({ id }) => changeStatus(id, 'revoked')));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const { credential } of issued) expect(await publishedBit(credential, 'revocation')).toBe(true);
  });
});

describe('the status change body', () => {
  it('answers 400 naming the field for an unknown status, a missing reason and an unknown field, writing nothing', async () => {
    const { id } = await issue({ name: 'B', email: 'body@example.org' });
    const before = await tableSnapshot(cx.deps.store);
    const cases: Array<[unknown, string]> = [
      [{ status: 'deleted', reason: 'x' }, 'status'],
      [{ status: 'revoked' }, 'reason'],
      [{ status: 'revoked', reason: '   ' }, 'reason'],
      [{ status: 'revoked', reason: 'x', note: 'y' }, 'note'],
    ];
    for (const [body, field] of cases) {
      const response = await cx.request('POST', `/v1/institutions/uni-a/credentials/${id}/status`, { key: key['uni-a'], body });
      const problem = await expectProblem(response, 400);
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 404 for a credential the institution did not issue', async () => {
    await expectProblem(await changeStatus('urn:uuid:00000000-0000-4000-8000-000000000000', 'revoked'), 404);
  });
});
