/**
 * AgreementService on the in-memory persistence: an agreement is created at version 1, a
 * changed body makes the next version, an unchanged one writes nothing, and a change that
 * read an older version is refused (412 with If-Match, 409 without), also when two race.
 */
import {
  agreementBodySchema,
  ConflictError,
  ForbiddenError,
  PreconditionFailedError,
  ValidationError,
  type AgreementBody,
  type AgreementRepository,
  type Persistence,
} from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agreementBody, rule, type RuleOptions } from '../../../functions/recognition/src/fixtures.js';
import { AgreementService } from './agreements.js';
import { asInstitution, testCore, type TestCore } from './test-support.js';

let core: TestCore;
const ctx = asInstitution('uni-b');

beforeEach(async () => {
  core = testCore();
  for (const id of ['uni-a', 'uni-b', 'uni-c']) await core.onboard(id);
  for (const code of ['ML-1', 'DE-1']) await core.publishComponent('uni-a', code);
  await core.publishComponent('uni-b', 'OWN-1');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** uni-b's agreement body with uni-a (or `partner`), one rule per component. */
const body = (rules: Array<[string, RuleOptions?]>, partner = 'uni-a'): AgreementBody =>
  agreementBodySchema.parse(agreementBody(partner, rules.map(([code, options]) => rule(code, options))));

/** An AgreementService whose reads of an agreement wait until `readers` callers have read it: they all see the same version. */
function racingService(readers: number): AgreementService {
  const shared: Persistence = core.persistence;
  let waiting = 0;
  let release!: () => void;
  const allRead = new Promise<void>((resolve) => (release = resolve));
  const agreements: AgreementRepository = Object.create(shared.agreements);
  agreements.get = async (...args) => {
    const record = await shared.agreements.get(...args);
    if (++waiting >= readers) release();
    await allRead;
    return record;
  };
  const store: Persistence = Object.create(shared, { agreements: { value: agreements } });
  return new AgreementService({ store, clock: core.clock });
}

describe('creating an agreement', () => {
  it('makes version 1, each rule flagged against the partner component’s current version', async () => {
    const { agreement, created } = await core.agreements.put('uni-b', 'ab', body([['ML-1', { component: 'OWN-1', ects: 4 }]]), undefined, ctx);

    expect(created).toBe(true);
    expect(agreement).toEqual({
      institution: 'uni-b',
      id: 'ab',
      partner: 'uni-a',
      validFrom: '2026-01-01',
      rules: [{ partnerComponent: 'ML-1', reviewedVersion: 1, recognisedAs: { component: 'OWN-1', ects: 4 }, needsReview: false, currentVersion: 1 }],
      version: 1,
      updatedAt: core.clock.now().toISOString(),
    });
  });

  it('refuses If-Match on an agreement that does not exist yet', async () => {
    await expect(core.agreements.put('uni-b', 'ab', body([['ML-1']]), '"1"', ctx)).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('refuses a rule for a component the partner does not have, naming the rule', async () => {
    const error = await core.agreements.put('uni-b', 'ab', body([['NO-SUCH']]), undefined, ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['rules.0.partnerComponent']);
  });

  it('refuses a suspended institution', async () => {
    await core.institutions.setStatus('uni-b', 'suspended', ctx);

    await expect(core.agreements.put('uni-b', 'ab', body([['ML-1']]), undefined, ctx)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('changing an agreement', () => {
  beforeEach(async () => {
    await core.agreements.put('uni-b', 'ab', body([['ML-1']]), undefined, ctx);
  });

  it('makes version 2 of a changed body when If-Match names version 1', async () => {
    const { agreement, created } = await core.agreements.put('uni-b', 'ab', body([['ML-1'], ['DE-1', { ects: 3 }]]), '"1"', ctx);

    expect(created).toBe(false);
    expect(agreement).toMatchObject({ version: 2, rules: [{ partnerComponent: 'ML-1' }, { partnerComponent: 'DE-1', recognisedAs: { ects: 3 } }] });
    expect(await core.agreements.get('uni-b', 'ab')).toEqual(agreement);
  });

  it('audits every published version with who published it', async () => {
    // records of one instant have no order: the second version is published a second later
    core.clock.advance(1000);
    await core.agreements.put('uni-b', 'ab', body([['DE-1']]), '"1"', ctx);

    const records = await core.audited('uni-b', 'agreement.publish');
    expect(records.map((record) => [record.actor.id, record.details?.version])).toEqual([
      ['uni-b', 2],
      ['uni-b', 1],
    ]);
  });

  it('keeps the version of an unchanged body and writes nothing', async () => {
    const write = vi.spyOn(core.persistence.agreements, 'write');

    const { agreement } = await core.agreements.put('uni-b', 'ab', body([['ML-1']]), undefined, ctx);

    expect(agreement.version).toBe(1);
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses a stale If-Match with the current version, writing nothing', async () => {
    await core.agreements.put('uni-b', 'ab', body([['DE-1']]), '"1"', ctx);
    const write = vi.spyOn(core.persistence.agreements, 'write');

    const error = await core.agreements.put('uni-b', 'ab', body([['ML-1', { ects: 1 }]]), '"1"', ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PreconditionFailedError);
    expect(error).toMatchObject({ extensions: { currentVersion: 2 } });
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses to move the agreement to another partner, naming partner', async () => {
    await core.publishComponent('uni-c', 'ML-1');

    const error = await core.agreements.put('uni-b', 'ab', body([['ML-1']], 'uni-c'), undefined, ctx).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['partner']);
  });

  it('flags a rule for review once the partner publishes a newer version of its component', async () => {
    await core.publishComponent('uni-a', 'ML-1', { ects: 6 });

    expect((await core.agreements.get('uni-b', 'ab')).rules).toEqual([expect.objectContaining({ reviewedVersion: 1, needsReview: true, currentVersion: 2 })]);
  });
});

describe('two changes that read the same version', () => {
  beforeEach(async () => {
    await core.agreements.put('uni-b', 'ab', body([['ML-1']]), undefined, ctx);
  });

  it('keep one; with If-Match the other is refused as a failed precondition', async () => {
    const racing = racingService(2);

    const results = await Promise.allSettled([
      racing.put('uni-b', 'ab', body([['ML-1', { ects: 2 }]]), '"1"', ctx),
      racing.put('uni-b', 'ab', body([['ML-1', { ects: 3 }]]), '"1"', ctx),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')?.reason).toBeInstanceOf(PreconditionFailedError);
    expect((await core.agreements.get('uni-b', 'ab')).version).toBe(2);
  });

  it('keep one; without If-Match the other is refused as a conflict', async () => {
    const racing = racingService(2);

    const results = await Promise.allSettled([
      racing.put('uni-b', 'ab', body([['ML-1', { ects: 2 }]]), undefined, ctx),
      racing.put('uni-b', 'ab', body([['ML-1', { ects: 3 }]]), undefined, ctx),
    ]);

    const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(ConflictError);
    expect(await core.audited('uni-b', 'agreement.publish')).toHaveLength(2);
  });
});
