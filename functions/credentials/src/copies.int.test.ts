/**
 * The institution's view of a credential lists the holder copies wallets received, on
 * DynamoDB Local: `GET /v1/institutions/{id}/credentials/{credentialId}` answers `copies`
 * (newest first, who holds each and by which protocol, never the signed copy), and a copy
 * of one institution's credential is never seen through another's.
 */
import { exchangeDocumentLoader, HolderCopies } from '@cx/core';
import { systemClock } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from './fixtures.js';

const ADA_WALLET = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const ADA_PHONE = 'did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj';
const wallet = { principal: { kind: 'anonymous' as const }, requestId: 'request-wallet' };

let cx: TestExchange;
let holderCopies: HolderCopies;
const key: Record<string, string> = {};

beforeAll(async () => {
  cx = await testExchange();
  holderCopies = new HolderCopies({ ...cx.deps, documentLoader: exchangeDocumentLoader(cx.deps), clock: systemClock });
  for (const id of ['uni-a', 'uni-b']) {
    key[id] = (await cx.onboard(id)).apiKey;
    expect((await cx.request('PUT', `/v1/institutions/${id}/components/ML-1`, { key: key[id], body: componentBody() })).status).toBe(201);
  }
});

/** Issues a component of `institution`, answering the credential's id. */
async function issue(institution: string): Promise<string> {
  const response = await cx.request('POST', `/v1/institutions/${institution}/credentials`, { key: key[institution], body: issueBody() });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const view = (institution: string, credentialId: string, apiKey = key[institution]) =>
  cx.request('GET', `/v1/institutions/${institution}/credentials/${credentialId}`, { key: apiKey });

describe("a credential's copies in the institution's view", () => {
  it('lists no copies of a credential no wallet received', async () => {
    const credentialId = await issue('uni-a');

    const response = await view('uni-a', credentialId);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { copies: unknown[] }).copies).toEqual([]);
  });

  it('lists the copies made through HolderCopies, newest first', async () => {
    const credentialId = await issue('uni-a');
    const first = await holderCopies.issue({ institution: 'uni-a', credentialId, holderDid: ADA_WALLET, protocol: 'vcapi' }, wallet);
    // issuedAt is the sort key: the second copy must be later to the millisecond
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await holderCopies.issue({ institution: 'uni-a', credentialId, holderDid: ADA_PHONE, protocol: 'oid4vci' }, wallet);

    const response = await view('uni-a', credentialId);

    expect(response.status).toBe(200);
    expect(((await response.json()) as { copies: unknown[] }).copies).toEqual([
      { copyId: second.copyId, holderDid: ADA_PHONE, protocol: 'oid4vci', issuedAt: second.issuedAt },
      { copyId: first.copyId, holderDid: ADA_WALLET, protocol: 'vcapi', issuedAt: first.issuedAt },
    ]);
  });

  it("lists only the credential's own copies", async () => {
    const copied = await issue('uni-a');
    const other = await issue('uni-a');
    await holderCopies.issue({ institution: 'uni-a', credentialId: copied, holderDid: ADA_WALLET, protocol: 'vcapi' }, wallet);

    const response = await view('uni-a', other);

    expect(((await response.json()) as { copies: unknown[] }).copies).toEqual([]);
  });
});

describe('tenancy', () => {
  it("shows another institution neither the credential nor its copies: uni-b's key gets 403", async () => {
    const credentialId = await issue('uni-a');
    await holderCopies.issue({ institution: 'uni-a', credentialId, holderDid: ADA_WALLET, protocol: 'vcapi' }, wallet);

    const problem = await expectProblem(await view('uni-a', credentialId, key['uni-b']), 403);

    expect(JSON.stringify(problem)).not.toContain(ADA_WALLET);
  });

  it("finds no copy of uni-a's credential under uni-b: 404", async () => {
    const credentialId = await issue('uni-a');
    await holderCopies.issue({ institution: 'uni-a', credentialId, holderDid: ADA_WALLET, protocol: 'vcapi' }, wallet);

    await expectProblem(await view('uni-b', credentialId), 404);
    expect((await cx.deps.store.copies.ofCredential('uni-b', credentialId, 10)).items).toEqual([]);
  });
});
