/**
 * BatchRunner on the in-memory persistence: a graduation run issues exactly one credential
 * per item however its chunks are delivered, records an item that cannot be issued as a
 * failure with its problem, and its progress is the sum of its chunks' counts. The chunks
 * are kept by a recording queue and delivered by the test.
 */
import { MESSAGE_INDEX_RANGE } from '@cx/credentials';
import { DependencyError, statusBlockOf, type Actor, type BatchProgress } from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueBody } from '../../../functions/credentials/src/fixtures.js';
import { batchCredentialId } from './batch-item-id.js';
import { batchItemKey } from './batch-runner.js';
import { IdempotencyKeyReusedError } from './idempotency.js';
import { emailLookupHash } from './issuer.js';
import { asInstitution, issueRequest, testCore, type TestCore } from './test-support.js';

let core: TestCore;
const actor: Actor = { kind: 'institution', id: 'uni-a', keyId: 'uni-a-key' };

afterEach(() => {
  vi.restoreAllMocks();
});

beforeEach(async () => {
  core = testCore();
  await core.onboard('uni-a');
  await core.publishComponent('uni-a', 'ML-1');
});

/** `count` valid items for distinct recipients, except those at `unknownAt`, which name no catalogue entry. */
function items(count: number, unknownAt: number[] = [], extra: Record<string, unknown> = {}): unknown[] {
  return Array.from({ length: count }, (_, i) =>
    issueBody({ ...(unknownAt.includes(i) ? { code: 'NO-SUCH' } : {}), recipient: { name: `Student ${i}`, email: `student-${i}@example.org` }, ...extra }),
  );
}

/** How many credentials uni-a holds for each of the first `count` students. */
function credentialCounts(count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => (await core.persistence.credentials.allForRecipient('uni-a', { kind: 'email', emailHash: emailLookupHash(`student-${i}@example.org`) })).length),
  );
}

/** Checks that the run's progress is the sum of its chunks' counts, and answers it. */
async function progressOf(batchId: string): Promise<BatchProgress> {
  const progress = await core.persistence.batches.progress('uni-a', batchId);
  expect(progress.issued).toBe(progress.counts.reduce((sum, count) => sum + count.issued, 0));
  expect(progress.failed).toBe(progress.counts.reduce((sum, count) => sum + count.failed, 0));
  return progress;
}

describe('a chunk delivered twice at once', () => {
  it('issues each item once, and counts each once', async () => {
    const batch = await core.batches.submit('uni-a', items(12, [3, 7]), actor);
    expect(core.sent).toEqual([{ institution: 'uni-a', batchId: batch.id, chunk: 0 }]);

    await Promise.all([core.batches.processChunk(core.sent[0]!), core.batches.processChunk(core.sent[0]!)]);

    expect(await credentialCounts(12)).toEqual(Array.from({ length: 12 }, (_, i) => ([3, 7].includes(i) ? 0 : 1)));
    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done-with-errors', total: 12, issued: 10, failed: 2 });
  });
});

describe('a chunk delivered again after it was done', () => {
  it('issues nothing more and counts nothing twice', async () => {
    const batch = await core.batches.submit('uni-a', items(6), actor);
    await core.batches.processChunk(core.sent[0]!);

    await core.batches.processChunk(core.sent[0]!);

    expect(await credentialCounts(6)).toEqual(Array(6).fill(1));
    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 6, failed: 0, errors: [] });
  });
});

describe('an item that cannot be issued', () => {
  it('is recorded as failed with its problem, and the others are issued', async () => {
    const batch = await core.batches.submit('uni-a', items(3, [1]), actor);

    await core.batches.processChunk(core.sent[0]!);

    const view = await core.batches.view('uni-a', batch.id);
    expect(view).toMatchObject({ status: 'done-with-errors', issued: 2, failed: 1 });
    expect(view!.errors).toEqual([{ index: 1, problem: { status: 404, title: 'Not found', detail: 'uni-a has no component NO-SUCH' } }]);
  });

  it('is recorded as not valid, naming its fields, when it was stored before runs were validated', async () => {
    const stored = await core.persistence.batches.create(
      { id: 'old-run', institution: 'uni-a', total: 2, createdAt: core.clock.now().toISOString(), createdBy: actor },
      [...items(1), { achievement: { type: 'component', code: 'ML-1' }, recipient: { name: 'No Email' } }],
    );

    await core.batches.processChunk({ institution: 'uni-a', batchId: stored.id, chunk: 0 });

    const view = await core.batches.view('uni-a', stored.id);
    expect(view).toMatchObject({ issued: 1, failed: 1 });
    expect(view!.errors).toEqual([
      { index: 1, problem: expect.objectContaining({ status: 400, title: 'The item is not valid', detail: 'invalid fields: recipient.email' }) },
    ]);
  });
});

describe('progress', () => {
  // twenty 5,000-character narratives make an item of about 100 KB: chunks, cut by size at 300 KB, hold three
  const large = { evidence: Array.from({ length: 20 }, (_, i) => ({ name: `Chapter ${i}`, narrative: 'n'.repeat(5000) })) };

  it('is queued before any worker started', async () => {
    const batch = await core.batches.submit('uni-a', items(2), actor);

    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'queued', issued: 0, failed: 0 });
  });

  it('adds up the counts of the chunks done so far while the run is running', async () => {
    const batch = await core.batches.submit('uni-a', items(5, [], large), actor);
    expect(batch.chunks).toBe(2);

    await core.batches.processChunk(core.sent[1]!);

    expect(await progressOf(batch.id)).toMatchObject({ issued: 2, failed: 0, counts: [expect.objectContaining({ chunk: 1, first: 3, size: 2, issued: 2 })] });
    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'running', total: 5, issued: 2, failed: 0 });
  });

  it('accounts for every item once every chunk is done, issued or failed', async () => {
    const batch = await core.batches.submit('uni-a', items(5, [4], large), actor);

    for (const message of core.sent) await core.batches.processChunk(message);

    const progress = await progressOf(batch.id);
    expect(progress.counts.map(({ chunk, first, size, issued, failed }) => ({ chunk, first, size, issued, failed }))).toEqual([
      { chunk: 0, first: 0, size: 3, issued: 3, failed: 0 },
      { chunk: 1, first: 3, size: 2, issued: 1, failed: 1 },
    ]);
    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done-with-errors', total: 5, issued: 4, failed: 1 });
    expect(await core.persistence.batches.open()).toEqual([]);
  });
});

describe('a chunk given up', () => {
  it('reports its items failed with the reason, once however often it is given up, and ends the run', async () => {
    const batch = await core.batches.submit('uni-a', items(3), actor);

    await core.batches.failChunk(core.sent[0]!, 'KMS kept failing');
    await core.batches.failChunk(core.sent[0]!, 'KMS kept failing');

    const view = await core.batches.view('uni-a', batch.id);
    expect(view).toMatchObject({ status: 'done-with-errors', issued: 0, failed: 3 });
    expect(view!.errors.map((error) => [error.index, error.problem])).toEqual([0, 1, 2].map((index) => [index, { status: 503, title: 'Not issued', detail: 'KMS kept failing' }]));
    expect(await core.persistence.batches.open()).toEqual([]);
  });

  it('keeps an item whose credential a worker issued before it died, and issues nothing afterwards', async () => {
    const batch = await core.batches.submit('uni-a', items(2), actor);
    // the worker issues item 0; item 1 keeps failing as if KMS were down, until the worker gives up on the delivery
    const signPrepared = core.issuer.signPrepared.bind(core.issuer);
    const spy = vi.spyOn(core.issuer, 'signPrepared').mockImplementation((institution, request, ctx, prepared) =>
      request.recipient.email === 'student-1@example.org' ? Promise.reject(new DependencyError('KMS did not answer')) : signPrepared(institution, request, ctx, prepared),
    );
    await expect(core.batches.processChunk(core.sent[0]!)).rejects.toBeInstanceOf(DependencyError);
    spy.mockRestore();

    await core.batches.failChunk(core.sent[0]!, 'given up');
    await core.batches.processChunk(core.sent[0]!);

    expect(await core.persistence.batches.failures('uni-a', batch.id, 10)).toMatchObject({ items: [{ index: 1 }] });
    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done-with-errors', issued: 1, failed: 1 });
    expect(await credentialCounts(2)).toEqual([1, 0]);
  });

  it('keeps, in a run started before item ids were derived, an item issued under its key before the worker died', async () => {
    const legacy = await core.persistence.batches.create(
      { id: 'legacy-run', institution: 'uni-a', total: 2, createdAt: core.clock.now().toISOString(), createdBy: actor },
      items(2),
    );
    const message = { institution: 'uni-a', batchId: legacy.id, chunk: 0 };
    // the worker issued item 0 under its key, then died before recording its outcome
    const issued = await core.issuer.issue('uni-a', issueRequest({ recipient: { name: 'Student 0', email: 'student-0@example.org' } }), {
      ...asInstitution('uni-a'),
      idempotencyKey: batchItemKey(legacy.id, 0),
    });

    await core.batches.failChunk(message, 'given up');
    await core.batches.processChunk(message);

    expect(await core.persistence.batches.failures('uni-a', legacy.id, 10)).toMatchObject({ items: [{ index: 1 }] });
    expect(await core.batches.view('uni-a', legacy.id)).toMatchObject({ issued: 1, failed: 1 });
    expect((await core.persistence.credentials.allForRecipient('uni-a', { kind: 'email', emailHash: emailLookupHash('student-0@example.org') })).map((c) => c.id)).toEqual([issued.id]);
    expect(await credentialCounts(2)).toEqual([1, 0]);
  });

  it('lets no worker still holding an item store it once the item is reported failed', async () => {
    const batch = await core.batches.submit('uni-a', items(1), actor);
    // the worker is slow: the chunk is given up while item 0 is being signed
    const signPrepared = core.issuer.signPrepared.bind(core.issuer);
    vi.spyOn(core.issuer, 'signPrepared').mockImplementation(async (institution, request, ctx, prepared) => {
      await core.batches.failChunk(core.sent[0]!, 'given up');
      return signPrepared(institution, request, ctx, prepared);
    });

    await core.batches.processChunk(core.sent[0]!);

    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done-with-errors', issued: 0, failed: 1 });
    expect(await credentialCounts(1)).toEqual([0]);
    expect(core.queuedNotices).toEqual([]);
  });
});

describe('the items of a run', () => {
  it('get credential ids derived from the run and their index, the same on every delivery', async () => {
    const batch = await core.batches.submit('uni-a', items(3), actor);

    await core.batches.processChunk(core.sent[0]!);

    const ids = await Promise.all([0, 1, 2].map(async (i) => (await core.persistence.credentials.allForRecipient('uni-a', { kind: 'email', emailHash: emailLookupHash(`student-${i}@example.org`) }))[0]!.id));
    expect(ids).toEqual([0, 1, 2].map((i) => batchCredentialId('uni-a', batch.id, i)));
    expect(new Set(ids).size).toBe(3);
  });

  it('get distinct status indexes from one block reserved for their chunk, in no order of issue', async () => {
    await core.batches.submit('uni-a', items(40), actor);

    await core.batches.processChunk(core.sent[0]!);

    const records = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => (await core.persistence.credentials.allForRecipient('uni-a', { kind: 'email', emailHash: emailLookupHash(`student-${i}@example.org`) }))[0]!),
    );
    const indexes = records.map((record) => record.statusIndex);
    expect(new Set(indexes).size).toBe(40);
    expect(new Set(indexes.map(statusBlockOf)).size).toBe(1);
    expect(indexes.every((index) => index >= MESSAGE_INDEX_RANGE.from && index < MESSAGE_INDEX_RANGE.to)).toBe(true);
    // handed out at random within the block, not in the order of the items
    expect(indexes).not.toEqual([...indexes].sort((a, b) => a - b));
    // no credential issued alone can take an index of the block afterwards
    expect(await core.persistence.statusLists.claimIndex('uni-a', records[0]!.statusListNumber, indexes[0]!, 'other', core.clock.now().toISOString())).toBe(false);
  });

  it('are issued once, with the notices stored, when a commit took effect but its answer was lost', async () => {
    const batch = await core.batches.submit('uni-a', items(10), actor);
    const commit = core.persistence.commit.bind(core.persistence);
    let lost = 0;
    vi.spyOn(core.persistence, 'commit').mockImplementation(async (changes, onConflict) => {
      await commit(changes, onConflict);
      // the first commit of credentials takes effect, then its answer is lost (a timeout after effect)
      if (lost++ === 0 && changes.some((change) => change.entity === 'credential')) throw new DependencyError('DynamoDB did not answer');
    });

    await core.batches.processChunk(core.sent[0]!);

    expect(await core.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 10, failed: 0 });
    expect(await credentialCounts(10)).toEqual(Array(10).fill(1));
    // each notice dispatched is the one stored with its credential, once
    const dispatched = core.queuedNotices.map((notice) => notice.noticeId).sort();
    const stored = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await core.persistence.deliveries.get('uni-a', batchCredentialId('uni-a', batch.id, i)))!.lastNoticeId));
    expect(dispatched).toEqual([...stored].sort());
  });

  it('each get one notice however often their chunk is delivered', async () => {
    await core.batches.submit('uni-a', items(5), actor);

    await Promise.all([core.batches.processChunk(core.sent[0]!), core.batches.processChunk(core.sent[0]!)]);
    await core.batches.processChunk(core.sent[0]!);

    expect(core.queuedNotices.map((notice) => notice.message.to).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `student-${i}@example.org`));
  });
});

describe('starting a run', () => {
  it('refuses a run with an invalid item, naming the item and field, and stores and sends nothing', async () => {
    const body = items(5);
    (body[3] as { recipient: { email: string } }).recipient.email = 'not-an-email';

    const error = await core.batches.submit('uni-a', body, actor).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: 'items.3.recipient.email' })] });
    expect(core.sent).toEqual([]);
    expect(await core.persistence.batches.open()).toEqual([]);
  });

  it('answers a repeated start with an Idempotency-Key with the first run, and each item is issued once', async () => {
    const first = await core.batches.submit('uni-a', items(3), actor, { idempotencyKey: 'run-1' });

    const again = await core.batches.submit('uni-a', items(3), actor, { idempotencyKey: 'run-1' });
    for (const message of core.sent) await core.batches.processChunk(message);

    expect(again).toMatchObject({ id: first.id, replayed: true });
    expect(await credentialCounts(3)).toEqual([1, 1, 1]);
  });

  it('refuses another body under the same Idempotency-Key as reused (422)', async () => {
    await core.batches.submit('uni-a', items(2), actor, { idempotencyKey: 'run-2' });

    await expect(core.batches.submit('uni-a', items(3), actor, { idempotencyKey: 'run-2' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });
});
