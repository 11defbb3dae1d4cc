/**
 * AgreementService under races the HTTP tests cannot force: two changes that both read
 * version 1 before either writes. The table keeps one; the other caller learns its If-Match
 * no longer holds (412), or, without If-Match, that it lost a race (409).
 */
import { ConflictError, PreconditionFailedError, type AgreementRepository, type Persistence, type Principal } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../../functions/catalogue/src/fixtures.js';
import { agreementBody, rule } from '../../../functions/recognition/src/fixtures.js';
import { AgreementService } from './agreements.js';

let cx: TestExchange;
const principal: Principal = { kind: 'institution', institutionId: 'uni-b', keyId: 'test' };

beforeAll(async () => {
  cx = await testExchange();
  const a = (await cx.onboard('uni-a')).apiKey;
  await cx.onboard('uni-b');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: a, body: componentBody() })).status).toBe(201);
});

/** A service whose reads of the agreement wait until `readers` callers have read it: they all see the same version. */
function racingService(readers: number): AgreementService {
  const shared = cx.deps.store;
  let waiting = 0;
  let release!: () => void;
  const allRead = new Promise<void>((resolve) => (release = resolve));
  // the exchange's persistence with this service's own agreement reads; the shared one stays as it is
  const agreements: AgreementRepository = Object.create(shared.agreements);
  agreements.get = async (...args) => {
    const record = await shared.agreements.get(...args);
    if (++waiting >= readers) release();
    await allRead;
    return record;
  };
  const store: Persistence = Object.create(shared, { agreements: { value: agreements } });
  return new AgreementService({ store, clock: { now: () => new Date() } });
}

async function settle(promises: Array<Promise<unknown>>) {
  const results = await Promise.allSettled(promises);
  return {
    fulfilled: results.filter((r) => r.status === 'fulfilled').length,
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : [])),
  };
}

describe('two changes of one agreement that read the same version', () => {
  it('keep one; with If-Match the other gets a precondition failure (412)', async () => {
    const service = new AgreementService({ store: cx.deps.store, clock: { now: () => new Date() } });
    await service.put('uni-b', 'race-1', agreementBody('uni-a', [rule('ML-1')]), undefined, { principal });
    const racing = racingService(2);
    const { fulfilled, errors } = await settle([
      racing.put('uni-b', 'race-1', agreementBody('uni-a', [rule('ML-1', { ects: 2 })]), '"1"', { principal }),
      racing.put('uni-b', 'race-1', agreementBody('uni-a', [rule('ML-1', { ects: 3 })]), '"1"', { principal }),
    ]);
    expect(fulfilled).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(PreconditionFailedError);
    expect((await service.get('uni-b', 'race-1')).version).toBe(2);
  });

  it('keep one; without If-Match the other gets a conflict (409)', async () => {
    const service = new AgreementService({ store: cx.deps.store, clock: { now: () => new Date() } });
    await service.put('uni-b', 'race-2', agreementBody('uni-a', [rule('ML-1')]), undefined, { principal });
    const racing = racingService(2);
    const { fulfilled, errors } = await settle([
      racing.put('uni-b', 'race-2', agreementBody('uni-a', [rule('ML-1', { ects: 2 })]), undefined, { principal }),
      racing.put('uni-b', 'race-2', agreementBody('uni-a', [rule('ML-1', { ects: 3 })]), undefined, { principal }),
    ]);
    expect(fulfilled).toBe(1);
    expect(errors[0]).toBeInstanceOf(ConflictError);
  });

  it('create it once when both create it at the same moment', async () => {
    const racing = racingService(2);
    const { fulfilled, errors } = await settle([
      racing.put('uni-b', 'race-3', agreementBody('uni-a', [rule('ML-1', { ects: 2 })]), undefined, { principal }),
      racing.put('uni-b', 'race-3', agreementBody('uni-a', [rule('ML-1', { ects: 3 })]), undefined, { principal }),
    ]);
    expect(fulfilled).toBe(1);
    expect(errors[0]).toBeInstanceOf(ConflictError);
  });
});
