/**
 * TransferService under races the HTTP tests cannot force: the same credential submitted
 * twice at once, both submissions having found it not yet recognised. The table's condition
 * keeps one recognition; the other submission fails as a whole (409) and writes nothing.
 */
import { ConflictError, type Persistence, type Principal, type TransferRepository } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../../functions/catalogue/src/fixtures.js';
import { ADA, agreementBody, rule, transferBody } from '../../../functions/recognition/src/fixtures.js';
import { credentialServices } from './services.js';
import type { TransferService } from './transfers.js';

type Json = Record<string, any>;

let cx: TestExchange;
const key: Record<string, string> = {};
const principal: Principal = { kind: 'institution', institutionId: 'uni-b', keyId: 'test' };

beforeAll(async () => {
  cx = await testExchange();
  for (const id of ['uni-a', 'uni-b']) key[id] = (await cx.onboard(id)).apiKey;
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: key['uni-a'], body: componentBody() })).status).toBe(201);
  expect((await cx.request('PUT', '/v1/institutions/uni-b/agreements/ab', { key: key['uni-b'], body: agreementBody('uni-a', [rule('ML-1')]) })).status).toBe(201);
});

/** Transfer services whose duplicate lookups wait until `readers` submissions have looked: all see "not recognised yet". */
function racingTransfers(readers: number): TransferService {
  const shared = cx.deps.store;
  let waiting = 0;
  let release!: () => void;
  const allLooked = new Promise<void>((resolve) => (release = resolve));
  // the exchange's persistence with these services' own duplicate lookups; the shared one stays as it is
  const transfers: TransferRepository = Object.create(shared.transfers);
  transfers.recognition = async (...args) => {
    const found = await shared.transfers.recognition(...args);
    if (++waiting >= readers) release();
    await allLooked;
    return found;
  };
  const store: Persistence = Object.create(shared, { transfers: { value: transfers } });
  return credentialServices({ ...cx.deps, store }).transfers;
}

async function issue(): Promise<Json> {
  const response = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key: key['uni-a'], body: { achievement: { type: 'component', code: 'ML-1' }, recipient: ADA } });
  expect(response.status).toBe(201);
  return ((await response.json()) as Json).credential;
}

describe('the same credential submitted twice at once', () => {
  it('is recognised once; the other submission fails with a conflict and leaves no transfer', async () => {
    const credential = await issue();
    const transfers = racingTransfers(2);
    const before = (await cx.deps.store.transfers.list('uni-b', undefined, 100)).items.length;
    const results = await Promise.allSettled([
      transfers.submit('uni-b', transferBody([credential]) as never, { principal, clientAddress: 'test' }),
      transfers.submit('uni-b', transferBody([credential]) as never, { principal, clientAddress: 'test' }),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(ConflictError);
    expect((await cx.deps.store.transfers.list('uni-b', undefined, 100)).items.length).toBe(before + 1);
    expect((await cx.deps.store.transfers.recognition('uni-b', credential.id))?.transferId).toBe(
      (fulfilled[0] as PromiseFulfilledResult<{ transfer: { id: string } }>).value.transfer.id,
    );
  });
});
