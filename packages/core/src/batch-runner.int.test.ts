/**
 * Graduation runs issue every item exactly once, however their chunks are delivered: twice
 * at once, again after a worker failed half-way, or again after a worker was killed while
 * items were in flight. Counted in the table: credentials, outcomes and counters.
 */
import type { Clock, KeyVault } from '@cx/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../../functions/catalogue/src/fixtures.js';
import { issueBody } from '../../../functions/credentials/src/fixtures.js';
import type { BatchChunkMessage } from './batch-runner.js';
import { emailLookupHash } from './issuer.js';
import { credentialServices, type CredentialServices } from './services.js';

let cx: TestExchange;
const actor = { kind: 'institution' as const, id: 'uni-a', keyId: 'test' };

/** A clock the tests move forward (a redelivery comes long after a killed worker stopped). */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  cx = await testExchange();
  const { apiKey } = await cx.onboard('uni-a');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() })).status).toBe(201);
});

/** Batch services over the test exchange's table, with chunks kept for the test to deliver. */
function services(keyVault: KeyVault = cx.deps.keyVault): { services: CredentialServices; sent: BatchChunkMessage[] } {
  const sent: BatchChunkMessage[] = [];
  const built = credentialServices({ ...cx.deps, keyVault, clock }, { batchQueue: { send: async (messages) => void sent.push(...messages) } });
  return { services: built, sent };
}

/** `count` valid items for distinct recipients of one run, plus invalid ones at `invalidAt`. */
function items(run: string, count: number, invalidAt: number[] = []): unknown[] {
  return Array.from({ length: count }, (_, i) =>
    invalidAt.includes(i)
      ? issueBody({ recipient: { name: `Student ${i}`, email: 'not-an-email' } })
      : issueBody({ recipient: { name: `Student ${i}`, email: `${run}-${i}@example.org` } }),
  );
}

/** How many credentials uni-a holds for each recipient of a run. */
async function credentialCounts(run: string, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => (await cx.deps.store.credentials.allForRecipient('uni-a', { kind: 'email', emailHash: emailLookupHash(`${run}-${i}@example.org`) })).length),
  );
}

/** A key vault that signs `allowed` times, then fails every call as `fail` says. */
function failingVault(allowed: number, fail: () => Promise<Uint8Array>): KeyVault & { signs: number } {
  const inner = cx.deps.keyVault;
  const vault = {
    signs: 0,
    createKey: inner.createKey.bind(inner),
    publicKey: inner.publicKey.bind(inner),
    discardKey: inner.discardKey.bind(inner),
    async sign(keyRef: string, data: Uint8Array) {
      if (++vault.signs > allowed) return fail();
      return inner.sign(keyRef, data);
    },
  };
  return vault;
}

describe('a chunk delivered twice at once', () => {
  it('issues each item once, with the counters right', async () => {
    const { services: s, sent } = services();
    const batch = await s.batches.submit('uni-a', items('twice', 40, [3, 17]), actor);
    expect(sent).toHaveLength(1);
    await Promise.all([s.batches.processChunk(sent[0]!), s.batches.processChunk(sent[0]!)]);
    expect(await credentialCounts('twice', 40)).toEqual(Array.from({ length: 40 }, (_, i) => ([3, 17].includes(i) ? 0 : 1)));
    const view = await s.batches.view('uni-a', batch.id);
    expect(view).toMatchObject({ status: 'done-with-errors', total: 40, issued: 38, failed: 2 });
    expect(view!.errors.map((e) => e.index).sort((a, b) => a - b)).toEqual([3, 17]);
  });
});

describe('a chunk delivered again after it was done', () => {
  it('issues nothing more and counts nothing twice', async () => {
    const { services: s, sent } = services();
    const batch = await s.batches.submit('uni-a', items('again', 10), actor);
    await s.batches.processChunk(sent[0]!);
    await s.batches.processChunk(sent[0]!);
    expect(await credentialCounts('again', 10)).toEqual(Array(10).fill(1));
    expect(await s.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 10, failed: 0, errors: [] });
  });
});

describe('a worker that fails half-way (the key vault throws)', () => {
  it('fails the chunk, and a rerun issues every item exactly once', async () => {
    const broken = services(failingVault(12, async () => Promise.reject(new Error('socket hang up'))));
    const batch = await broken.services.batches.submit('uni-a', items('failed', 60), actor);
    await expect(broken.services.batches.processChunk(broken.sent[0]!)).rejects.toThrow('socket hang up');
    const partial = await broken.services.batches.view('uni-a', batch.id);
    expect(partial!.issued).toBeLessThan(60);
    expect(partial!.failed).toBe(0);

    await services().services.batches.processChunk(broken.sent[0]!);
    expect(await credentialCounts('failed', 60)).toEqual(Array(60).fill(1));
    expect(await services().services.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 60, failed: 0, errors: [] });
  });
});

describe('a worker killed with items in flight (the key vault never answers)', () => {
  it('is redelivered later, and the rerun issues every item exactly once', { timeout: 60_000 }, async () => {
    const killed = services(failingVault(12, () => new Promise<Uint8Array>(() => undefined)));
    const batch = await killed.services.batches.submit('uni-a', items('killed', 60), actor);
    // the worker hangs on its in-flight items and is never heard of again
    void killed.services.batches.processChunk(killed.sent[0]!);
    await until(async () => (await killed.services.batches.view('uni-a', batch.id))!.issued > 0);
    await new Promise((r) => setTimeout(r, 500));

    // SQS redelivers the chunk once its visibility timeout has passed
    offsetMs += 30 * 60_000;
    await services().services.batches.processChunk(killed.sent[0]!);
    expect(await credentialCounts('killed', 60)).toEqual(Array(60).fill(1));
    expect(await services().services.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 60, failed: 0, errors: [] });
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a run left unfinished by a process that stopped (the in-process queue is gone)', () => {
  it('is resumed at the next start and finishes with every item issued once, then leaves the open runs', async () => {
    const before = services(failingVault(5, async () => Promise.reject(new Error('process stopped'))));
    const batch = await before.services.batches.submit('uni-a', items('resume', 30), actor);
    await expect(before.services.batches.processChunk(before.sent[0]!)).rejects.toThrow(/process stopped/);
    expect((await cx.deps.store.batches.open()).map((b) => b.id)).toContain(batch.id);

    const after = services();
    expect(await after.services.batches.resumeOpen()).toBeGreaterThanOrEqual(1);
    for (const message of after.sent.filter((m) => m.batchId === batch.id)) await after.services.batches.processChunk(message);

    expect(await credentialCounts('resume', 30)).toEqual(Array(30).fill(1));
    expect(await after.services.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 30, failed: 0 });
    expect((await cx.deps.store.batches.open()).map((b) => b.id)).not.toContain(batch.id);
  });
});
