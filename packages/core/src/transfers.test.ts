/**
 * TransferService on the in-memory persistence: a partner's credential that an agreement
 * rule covers is recognised at once; anything else waits for a reviewer, whose decision
 * records the recognition (once per credential); a refusal can be appealed, and the item
 * is decided again. The recognition record is signed once nothing is pending.
 */
import {
  agreementBodySchema,
  appealBodySchema,
  ConflictError,
  decisionBodySchema,
  NotFoundError,
  transferBodySchema,
  type Persistence,
  type RequestContext,
  type TransferRepository,
} from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { agreementBody, recognise, reject, rule, transferBody } from '../../../functions/recognition/src/fixtures.js';
import { credentialServices } from './services.js';
import { asInstitution, issueRequest, PUBLIC_URL, testCore, type TestCore } from './test-support.js';
import type { TransferService } from './transfers.js';

type Json = Record<string, unknown>;

let core: TestCore;
const reviewer = { ...asInstitution('uni-b'), clientAddress: '192.0.2.1' };
const student: RequestContext & { clientAddress: string } = { principal: { kind: 'anonymous' }, requestId: 'request-1', clientAddress: '192.0.2.2' };

beforeEach(async () => {
  core = testCore();
  for (const id of ['uni-a', 'uni-b']) await core.onboard(id);
  for (const code of ['ML-1', 'DE-1']) await core.publishComponent('uni-a', code, { ects: 5 });
  await core.publishComponent('uni-b', 'OWN-1');
  // uni-b recognises uni-a's ML-1 as its own OWN-1; DE-1 no rule covers
  await core.agreements.put('uni-b', 'ab', agreementBodySchema.parse(agreementBody('uni-a', [rule('ML-1', { component: 'OWN-1', ects: 5 })])), undefined, reviewer);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** A credential uni-a issued to Ada for component `code`. */
async function partnerCredential(code: string): Promise<Json> {
  return (await core.issuer.issue('uni-a', issueRequest({ code, recipient: { name: 'Ada Lovelace', email: 'ada@example.org' } }), asInstitution('uni-a'))).credential;
}

const submit = (credentials: unknown[], ctx = reviewer) => core.transfers.submit('uni-b', transferBodySchema.parse(transferBody(credentials)), ctx);
const decide = (transferId: string, decision: unknown) => core.transfers.decide('uni-b', transferId, decisionBodySchema.parse(decision), reviewer);
const appeal = (transferId: string, credentialId: string, token: string) =>
  core.transfers.appeal('uni-b', transferId, appealBodySchema.parse({ credentialId, grounds: 'The workload is the same: 5 ECTS.' }), { ...student, token });

/** A student's transfer of a DE-1 credential, which no rule covers: pending, with its tracking token. */
async function pendingTransfer() {
  const credential = await partnerCredential('DE-1');
  const { transfer, trackingToken } = await submit([credential], student);
  return { transfer, credentialId: String(credential.id), token: trackingToken! };
}

describe('a partner credential an agreement rule covers', () => {
  it('is recognised at once, as the rule says, naming the rule', async () => {
    const credential = await partnerCredential('ML-1');

    const { transfer } = await submit([credential]);

    expect(transfer).toMatchObject({ status: 'decided', totalEctsRecognised: 5 });
    expect(transfer.items).toEqual([
      expect.objectContaining({
        credentialId: credential.id,
        component: 'uni-a/ML-1',
        outcome: 'recognised',
        ects: 5,
        recognisedAs: 'OWN-1',
        history: [expect.objectContaining({ decidedBy: { kind: 'system', id: 'agreement-rule' }, rule: { agreement: 'ab', version: 1, partnerComponent: 'ML-1' } })],
      }),
    ]);
  });

  it('is recorded as recognised at the receiving institution, with the partner component', async () => {
    const credential = await partnerCredential('ML-1');

    const { transfer } = await submit([credential]);

    expect(await core.persistence.transfers.recognition('uni-b', String(credential.id))).toMatchObject({
      transferId: transfer.id,
      component: { institution: 'uni-a', code: 'ML-1', version: 1 },
      recognisedAs: 'OWN-1',
      ects: 5,
    });
  });

  it('gets a recognition record signed by the receiving institution that verifies', async () => {
    const { transfer } = await submit([await partnerCredential('ML-1')]);

    const verification = await core.verifier.verify(transfer.recognitionCredential);

    expect(verification.errors).toEqual([]);
    expect(verification.issuer).toMatchObject({ id: 'uni-b' });
    expect(transfer.recognitionCredential).toMatchObject({ credentialSubject: { transfer: `${PUBLIC_URL}/v1/transfers/${transfer.id}`, totalEctsRecognised: 5 } });
  });

  it('counts once: submitted again, it is refused as a duplicate', async () => {
    const credential = await partnerCredential('ML-1');
    const { transfer: first } = await submit([credential]);

    const { transfer: second } = await submit([credential]);

    expect(second.items[0]).toMatchObject({ outcome: 'rejected', reason: `duplicate: already recognised at uni-b in transfer ${first.id}` });
  });
});

describe('a partner credential no rule covers', () => {
  it('waits for a reviewer, recognising nothing yet', async () => {
    const { transfer, credentialId } = await pendingTransfer();

    expect(transfer).toMatchObject({ status: 'pending-review', totalEctsRecognised: 0 });
    expect(transfer.items[0]).toMatchObject({ outcome: 'pending', reason: 'no agreement rule of uni-b covers uni-a/DE-1; sent to a reviewer' });
    expect(transfer.recognitionCredential).toBeUndefined();
    expect(await core.persistence.transfers.recognition('uni-b', credentialId)).toBeUndefined();
  });

  it('is refused when it belongs to someone else', async () => {
    const credential = await partnerCredential('DE-1');

    const { transfer } = await core.transfers.submit('uni-b', transferBodySchema.parse(transferBody([credential], { name: 'Bea', email: 'bea@example.org' })), reviewer);

    expect(transfer.items[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^the credential belongs to someone else/) });
  });
});

describe('a reviewer’s decision', () => {
  it('recognises the item with the credential’s own ECTS, records the recognition and signs the record', async () => {
    const { transfer, credentialId } = await pendingTransfer();

    const decided = await decide(transfer.id, recognise(credentialId));

    expect(decided).toMatchObject({ status: 'decided', totalEctsRecognised: 5, revision: 2, items: [{ outcome: 'recognised', ects: 5 }] });
    expect(decided.items[0]!.history).toEqual([expect.objectContaining({ outcome: 'recognised', decidedBy: { kind: 'institution', id: 'uni-b', keyId: 'uni-b-key' } })]);
    expect(await core.persistence.transfers.recognition('uni-b', credentialId)).toMatchObject({ transferId: transfer.id, ects: 5 });
    expect(decided.recognitionCredential).toMatchObject({ issuer: 'did:web:exchange.test:institutions:uni-b' });
  });

  it('writes the transfer, the recognition and the audit record in one commit', async () => {
    const { transfer, credentialId } = await pendingTransfer();
    const commit = vi.spyOn(core.persistence, 'commit');

    await decide(transfer.id, recognise(credentialId));

    expect(commit.mock.calls.map(([changes]) => changes.map((change) => change.entity))).toEqual([['transfer', 'recognition', 'audit']]);
  });

  it('rejects with the substantial difference and the explanation in the reason', async () => {
    const { transfer, credentialId } = await pendingTransfer();

    const decided = await decide(transfer.id, reject(credentialId, 'level'));

    expect(decided.items[0]).toMatchObject({ outcome: 'rejected', ects: 0, reason: 'substantial difference in level: Half the workload of our component.' });
    expect(await core.persistence.transfers.recognition('uni-b', credentialId)).toBeUndefined();
  });

  it('cannot decide an item twice, and the second attempt writes nothing', async () => {
    const { transfer, credentialId } = await pendingTransfer();
    await decide(transfer.id, recognise(credentialId));
    const commit = vi.spyOn(core.persistence, 'commit');

    await expect(decide(transfer.id, reject(credentialId))).rejects.toThrow(new ConflictError(`credential ${credentialId} is already recognised; an appeal reopens it`));
    expect(commit).not.toHaveBeenCalled();
  });

  it('lets exactly one of two simultaneous decisions through', async () => {
    const { transfer, credentialId } = await pendingTransfer();

    const results = await Promise.allSettled([decide(transfer.id, recognise(credentialId)), decide(transfer.id, reject(credentialId))]);

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((result) => result.status === 'rejected')?.reason).toBeInstanceOf(ConflictError);
    expect((await core.transfers.get('uni-b', transfer.id)).items[0]!.history).toHaveLength(1);
  });

  it('is not found for a credential the transfer does not hold', async () => {
    const { transfer } = await pendingTransfer();

    await expect(decide(transfer.id, recognise('urn:uuid:00000000-0000-4000-8000-000000000000'))).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('an appeal', () => {
  it('sends a refused item back to review, marked as appealed, keeping the first decision', async () => {
    const { transfer, credentialId, token } = await pendingTransfer();
    await decide(transfer.id, reject(credentialId));

    const appealed = await appeal(transfer.id, credentialId, token);

    expect(appealed).toMatchObject({ status: 'pending-review', items: [{ outcome: 'pending', appealed: true, reason: 'appealed: The workload is the same: 5 ECTS.' }] });
    expect(appealed.recognitionCredential).toBeUndefined();
    expect(appealed.items[0]!.history).toEqual([
      expect.objectContaining({ outcome: 'rejected', justification: expect.objectContaining({ difference: 'workload' }) }),
      expect.objectContaining({ appeal: 'The workload is the same: 5 ECTS.', by: 'student' }),
    ]);
  });

  it('lets the reviewer decide the item again', async () => {
    const { transfer, credentialId, token } = await pendingTransfer();
    await decide(transfer.id, reject(credentialId));
    await appeal(transfer.id, credentialId, token);

    const decided = await decide(transfer.id, recognise(credentialId));

    expect(decided).toMatchObject({ status: 'decided', totalEctsRecognised: 5, items: [{ outcome: 'recognised', appealed: true }] });
    expect(decided.items[0]!.history.map((entry) => ('outcome' in entry ? entry.outcome : 'appeal'))).toEqual(['rejected', 'appeal', 'recognised']);
  });

  it('is not found with a wrong tracking token', async () => {
    const { transfer, credentialId } = await pendingTransfer();
    await decide(transfer.id, reject(credentialId));

    await expect(appeal(transfer.id, credentialId, 'not-the-token')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is refused for a refusal that came from a failed check, not from a reviewer', async () => {
    const tampered = await partnerCredential('DE-1');
    (tampered.credentialSubject as { achievement: Json }).achievement.ectsCredits = 30;
    const { transfer, trackingToken } = await submit([tampered], student);
    expect(transfer.items[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^not verified/) });

    await expect(appeal(transfer.id, String(tampered.id), trackingToken!)).rejects.toThrow(/failed a check/);
  });
});

describe('the same credential submitted twice at once', () => {
  /** Transfer services whose duplicate lookups wait until `readers` submissions have looked: all see "not recognised yet". */
  function racingTransfers(readers: number): TransferService {
    const shared: Persistence = core.persistence;
    let waiting = 0;
    let release!: () => void;
    const allLooked = new Promise<void>((resolve) => (release = resolve));
    const transfers: TransferRepository = Object.create(shared.transfers);
    transfers.recognition = async (...args) => {
      const found = await shared.transfers.recognition(...args);
      if (++waiting >= readers) release();
      await allLooked;
      return found;
    };
    const store: Persistence = Object.create(shared, { transfers: { value: transfers } });
    return credentialServices({ store, keyVault: core.keyVault, publicUrl: PUBLIC_URL, consortium: 'test', clock: core.clock }).transfers;
  }

  it('is recognised once; the other submission fails with a conflict and stores no transfer', async () => {
    const credential = await partnerCredential('ML-1');
    const racing = racingTransfers(2);
    const body = transferBodySchema.parse(transferBody([credential]));

    const results = await Promise.allSettled([racing.submit('uni-b', body, reviewer), racing.submit('uni-b', body, reviewer)]);

    const kept = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.transfer] : []));
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(kept).toHaveLength(1);
    expect(refused).toEqual([new ConflictError('a credential in this transfer was recognised by another request at the same moment; submit again')]);
    expect((await core.persistence.transfers.list('uni-b', undefined, 100)).items.map((transfer) => transfer.id)).toEqual([kept[0]!.id]);
    expect((await core.persistence.transfers.recognition('uni-b', String(credential.id)))?.transferId).toBe(kept[0]!.id);
  });
});
