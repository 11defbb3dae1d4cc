/**
 * Graduation runs issue every item exactly once, however their chunks are delivered: twice
 * at once, again after a worker failed half-way, or again after a worker was killed while
 * items were in flight. Counted in the table: credentials, outcomes and counters.
 */
import type { Clock, KeyVault } from '@cx/domain';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../../functions/catalogue/src/fixtures.js';
import { issueBody } from '../../../functions/credentials/src/fixtures.js';
import { giveUpReason, InProcessQueue, type BatchChunkMessage } from './batch-runner.js';
import { emailLookupHash } from './issuer.js';
import { credentialServices, type CredentialServices } from './services.js';

let cx: TestExchange;
const actor = { kind: 'institution' as const, id: 'uni-a', keyId: 'test' };

/** A clock the tests move forward (a redelivery comes long after a killed worker stopped). */
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

afterEach(() => {
  vi.restoreAllMocks();
});

beforeAll(async () => {
  cx = await testExchange();
  const { apiKey } = await cx.onboard('uni-a');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() })).status).toBe(201);
});

/** Batch services over the test exchange's table, with chunks kept for the test to deliver. */
function services(keyVault: KeyVault = cx.deps.keyVault): { services: CredentialServices; sent: BatchChunkMessage[] } {
  const sent: BatchChunkMessage[] = [];
  const built = credentialServices({ ...cx.deps, keyVault, clock, batchQueue: { send: async (messages) => void sent.push(...messages) } });
  return { services: built, sent };
}

/** `count` valid items for distinct recipients of one run, plus ones naming no catalogue entry at `unknownAt`. */
function items(run: string, count: number, unknownAt: number[] = [], extra: Record<string, unknown> = {}): unknown[] {
  return Array.from({ length: count }, (_, i) =>
    issueBody({ ...(unknownAt.includes(i) ? { code: 'NO-SUCH' } : {}), recipient: { name: `Student ${i}`, email: `${run}-${i}@example.org` }, ...extra }),
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
    await until(async () => (await cx.deps.store.batches.recordedIn('uni-a', batch.id, 0, 60)).size > 0);
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

/** Batch services whose chunks go through the in-process queue, quickly given up. */
function queued(keyVault: KeyVault = cx.deps.keyVault, maxAttempts = 2): { services: CredentialServices; queue: InProcessQueue<BatchChunkMessage> } {
  let built: CredentialServices | undefined;
  const queue = new InProcessQueue<BatchChunkMessage>((message) => built!.batches.processChunk(message), {
    maxAttempts,
    retryDelayMs: 1,
    onGiveUp: (message, error, attempts) => built!.batches.failChunk(message, giveUpReason(error, attempts)),
  });
  built = credentialServices({ ...cx.deps, keyVault, clock, batchQueue: queue });
  return { services: built, queue };
}

describe('a chunk that fails past its attempts (every Sign fails)', () => {
  it('ends the run done-with-errors with every item reported failed with the reason', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { services: s, queue } = queued(failingVault(0, async () => Promise.reject(new Error('socket hang up'))));
    const batch = await s.batches.submit('uni-a', items('doomed', 30), actor);
    await queue.idle();
    const view = await s.batches.view('uni-a', batch.id);
    expect(view).toMatchObject({ status: 'done-with-errors', total: 30, issued: 0, failed: 30 });
    expect(view!.errors.map((e) => e.index)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(view!.errors[0]!.problem).toMatchObject({ status: 503, detail: expect.stringContaining('kept failing') });
    expect((await cx.deps.store.batches.open()).map((b) => b.id)).not.toContain(batch.id);
    expect(await credentialCounts('doomed', 30)).toEqual(Array(30).fill(0));
  });
});

describe('failChunk', () => {
  it('keeps the items issued, fails the others once however often it runs, and ends the run', async () => {
    const broken = services(failingVault(12, async () => Promise.reject(new Error('socket hang up'))));
    const batch = await broken.services.batches.submit('uni-a', items('given-up', 40), actor);
    await expect(broken.services.batches.processChunk(broken.sent[0]!)).rejects.toThrow('socket hang up');
    await broken.services.batches.failChunk(broken.sent[0]!, 'KMS kept failing');
    await broken.services.batches.failChunk(broken.sent[0]!, 'KMS kept failing');
    const counts = await credentialCounts('given-up', 40);
    const view = (await broken.services.batches.view('uni-a', batch.id))!;
    expect(view).toMatchObject({ status: 'done-with-errors', total: 40, issued: counts.filter((n) => n === 1).length, failed: counts.filter((n) => n === 0).length });
    expect(view.issued).toBeGreaterThan(0);
    expect(view.errors.map((e) => e.index)).toEqual(counts.flatMap((n, i) => (n === 0 ? [i] : [])));
    expect(view.errors[0]!.problem).toMatchObject({ detail: 'KMS kept failing' });
  });

  it('lets no worker still holding an item issue it afterwards', { timeout: 60_000 }, async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = failingVault(0, async () => {
      await held;
      return cx.deps.keyVault.sign((await cx.deps.store.institutions.get('uni-a'))!.keys.find((k) => k.status === 'active')!.keyRef, new Uint8Array(64));
    });
    const stuck = services(slow);
    const batch = await stuck.services.batches.submit('uni-a', items('fenced', 3), actor);
    const running = stuck.services.batches.processChunk(stuck.sent[0]!).catch(() => undefined);
    await until(async () => slow.signs >= 3);
    await services().services.batches.failChunk(stuck.sent[0]!, 'given up');
    release();
    await running;
    expect(await credentialCounts('fenced', 3)).toEqual([0, 0, 0]);
    expect(await services().services.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done-with-errors', issued: 0, failed: 3 });
  });
});

describe('outcome counting', () => {
  it('does not write the run head for every item', async () => {
    const writes: string[] = [];
    const { services: s, sent } = services();
    const batch = await s.batches.submit('uni-a', items('counted', 100), actor);
    // the head's key, plain or marshalled
    const head = new RegExp(`BATCH#uni-a#${batch.id}"\\}?,"sk":(\\{"S":)?"BATCH"`);
    cx.deps.store.table.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const command = (context as { commandName?: string }).commandName ?? '';
        if (!/^(Get|Query|BatchGet)/.test(command) && head.test(JSON.stringify(args.input))) writes.push(command);
        return next(args);
      },
      { step: 'initialize', name: 'countHeadWrites' },
    );
    try {
      await s.batches.processChunk(sent[0]!);
    } finally {
      cx.deps.store.table.doc.middlewareStack.remove('countHeadWrites');
    }
    expect(await s.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 100 });
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThanOrEqual(3);
  });
});

describe('chunks cut by size', () => {
  it('stores 100 items with 4,200-character narratives in chunks DynamoDB takes, and issues them all', { timeout: 120_000 }, async () => {
    const { services: s, sent } = services();
    const batch = await s.batches.submit('uni-a', items('narrative', 100, [], { evidence: [{ name: 'Thesis', narrative: 'n'.repeat(4200) }] }), actor);
    expect(batch.chunks).toBeGreaterThan(1);
    for (const message of sent) await s.batches.processChunk(message);
    expect(await s.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 100, failed: 0 });
  });
});

describe('starting a run with an Idempotency-Key', () => {
  it('answers the first run to a repeated start and issues each item once', async () => {
    const { services: s, sent } = services();
    const first = await s.batches.submit('uni-a', items('idem', 5), actor, { idempotencyKey: 'run-1' });
    const again = await s.batches.submit('uni-a', items('idem', 5), actor, { idempotencyKey: 'run-1' });
    expect(again).toMatchObject({ id: first.id, replayed: true });
    for (const message of sent) await s.batches.processChunk(message);
    expect(await credentialCounts('idem', 5)).toEqual(Array(5).fill(1));
  });

  it('refuses another body with the same key with 422', async () => {
    const { services: s } = services();
    await s.batches.submit('uni-a', items('idem-body', 2), actor, { idempotencyKey: 'run-2' });
    await expect(s.batches.submit('uni-a', items('idem-body', 3), actor, { idempotencyKey: 'run-2' })).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('finishes a start whose queueing failed half-way when it is repeated, without duplicates', async () => {
    const sent: BatchChunkMessage[] = [];
    let failNext = true;
    const flaky = credentialServices({
      ...cx.deps,
      clock,
      batchQueue: {
        send: async (messages) => {
          sent.push(...messages.slice(0, 1));
          if (failNext) {
            failNext = false;
            throw new Error('SQS refused 1 messages after 5 attempts');
          }
          sent.push(...messages.slice(1));
        },
      },
    });
    const body = items('half-queued', 150);
    await expect(flaky.batches.submit('uni-a', body, actor, { idempotencyKey: 'run-3' })).rejects.toThrow(/SQS refused/);
    const retried = await flaky.batches.submit('uni-a', body, actor, { idempotencyKey: 'run-3' });
    for (const message of sent) await flaky.batches.processChunk(message);
    expect(new Set(sent.map((m) => m.batchId))).toEqual(new Set([retried.id]));
    expect(await credentialCounts('half-queued', 150)).toEqual(Array(150).fill(1));
    expect(await flaky.batches.view('uni-a', retried.id)).toMatchObject({ status: 'done', issued: 150 });
  });
});

describe('refused runs', () => {
  it('refuses a run with an invalid item, naming the item and field, and stores nothing', async () => {
    const { services: s, sent } = services();
    const body = items('refused', 5);
    (body[3] as { recipient: { email: string } }).recipient.email = 'not-an-email';
    const open = (await cx.deps.store.batches.open()).length;
    const error = await s.batches.submit('uni-a', body, actor).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'validation', issues: [expect.objectContaining({ field: 'items.3.recipient.email' })] });
    expect(sent).toEqual([]);
    expect((await cx.deps.store.batches.open()).length).toBe(open);
  });
});

describe('the sweep', () => {
  it('sends again the chunks of a run whose messages were lost, once they are stale', async () => {
    const lost = services();
    const batch = await lost.services.batches.submit('uni-a', items('swept', 120), actor);
    const later = services();
    expect(await later.services.batches.sweep()).toMatchObject({ resent: 0 });
    offsetMs += 31 * 60_000;
    const result = await later.services.batches.sweep();
    const mine = later.sent.filter((m) => m.batchId === batch.id);
    expect(mine.map((m) => m.chunk).sort()).toEqual([0, 1]);
    expect(result.resent).toBeGreaterThanOrEqual(2);
    for (const message of mine) await later.services.batches.processChunk(message);
    expect(await later.services.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 120 });
    expect((await cx.deps.store.batches.open()).map((b) => b.id)).not.toContain(batch.id);
  });

  it('fails the unfinished chunks of a run past its deadline, so it ends', async () => {
    const lost = services();
    const batch = await lost.services.batches.submit('uni-a', items('expired', 10), actor);
    offsetMs += 7 * 3600_000;
    const swept = services();
    const result = await swept.services.batches.sweep();
    expect(result.failed).toBeGreaterThanOrEqual(1);
    const view = await swept.services.batches.view('uni-a', batch.id);
    expect(view).toMatchObject({ status: 'done-with-errors', issued: 0, failed: 10 });
    expect(view!.errors[0]!.problem).toMatchObject({ detail: expect.stringContaining('did not finish within 6 hours') });
  });
});
