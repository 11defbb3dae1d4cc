/**
 * The benchmark's own machinery, which decides whether a goal reads "met": goal rows, the
 * simulated KMS account, the chunk queue standing in for SQS, and the request counts.
 */
import { describe, expect, it } from 'vitest';
import type { BatchChunkMessage } from '@cx/core';
import { readsAndWrites } from '@cx/store/request-counts';
import { isMet } from './report.js';
import { AdmittedKeyVault, KmsAccount } from './simulated-kms.js';
import { ChunkQueue } from './worker-pool.js';

const chunk = (n: number): BatchChunkMessage => ({ institution: 'uni-a', batchId: 'b-1', chunk: n });

describe('goal rows', () => {
  it('meets an at-most goal at or below the target only', () => {
    expect(isMet({ measured: 0.5, kind: 'at-most', target: 0.5 })).toBe(true);
    expect(isMet({ measured: 0.51, kind: 'at-most', target: 0.5 })).toBe(false);
  });

  it('meets an at-least goal at or above the target only', () => {
    expect(isMet({ measured: 150, kind: 'at-least', target: 150 })).toBe(true);
    expect(isMet({ measured: 149.9, kind: 'at-least', target: 150 })).toBe(false);
  });

  it('meets an equals goal on the exact value, and no goal on a figure that is not a number', () => {
    expect(isMet({ measured: 0, kind: 'equals', target: 0 })).toBe(true);
    expect(isMet({ measured: 1, kind: 'equals', target: 0 })).toBe(false);
    expect(isMet({ measured: Number.NaN, kind: 'at-most', target: 1 })).toBe(false);
    expect(isMet({ measured: Number.POSITIVE_INFINITY, kind: 'at-least', target: 1 })).toBe(false);
  });
});

describe('the simulated KMS account', () => {
  it('accepts up to its quota in one second and throttles the rest', async () => {
    const account = new KmsAccount(5, 0);
    const answers = await Promise.all(Array.from({ length: 8 }, () => account.admit()));
    expect(answers.filter(Boolean)).toHaveLength(5);
    expect(account.throttled).toBe(3);
    expect(account.peakAcceptedPerSecond()).toBe(5);
    expect(account.peakRequestedPerSecond()).toBe(8);
  });

  it('makes a throttled Sign fail as KMS does, and signs with the inner vault otherwise', async () => {
    const signed: string[] = [];
    const inner = { createKey: async () => ({}) as never, publicKey: async () => new Uint8Array(), discardKey: async () => undefined, sign: async (ref: string) => (signed.push(ref), new Uint8Array([1])) };
    let open = false;
    const vault = new AdmittedKeyVault(inner, async () => open);
    await expect(vault.sign('k', new Uint8Array())).rejects.toMatchObject({ name: 'ThrottlingException' });
    open = true;
    expect(await vault.sign('k', new Uint8Array())).toEqual(new Uint8Array([1]));
    expect({ signed: vault.signed, throttled: vault.throttled, calls: signed }).toEqual({ signed: 1, throttled: 1, calls: ['k'] });
  });
});

describe('the chunk queue (SQS stand-in)', () => {
  it('hands each chunk to one puller and ends once every chunk succeeded', async () => {
    const queue = new ChunkQueue();
    const waiting = queue.pull();
    await queue.send([chunk(0), chunk(1)]);
    const first = (await waiting)!;
    const second = (await queue.pull())!;
    expect([first.message.chunk, second.message.chunk]).toEqual([0, 1]);
    const done = queue.allDone(2);
    queue.done(first.messageId, false);
    queue.done(second.messageId, false);
    await done;
    queue.close();
    expect(await queue.pull()).toBeNull();
  });

  it('delivers a chunk whose delivery failed again, with its receive count', async () => {
    const queue = new ChunkQueue();
    await queue.send([chunk(0)]);
    const first = (await queue.pull())!;
    queue.done(first.messageId, true);
    const again = (await queue.pull())!;
    expect(again).toMatchObject({ messageId: first.messageId, receiveCount: 2 });
    expect({ deliveries: queue.deliveries, failed: queue.failedDeliveries }).toEqual({ deliveries: 2, failed: 1 });
  });
});

describe('request counts', () => {
  it('adds reads and writes of several counts by operation, requests and items apart', () => {
    const total = readsAndWrites(
      { requests: { GetItem: 2, TransactWriteItems: 3 }, items: { GetItem: 2, TransactWriteItems: 21 } },
      { requests: { BatchGetItem: 1, BatchWriteItem: 1 }, items: { BatchGetItem: 40, BatchWriteItem: 25 } },
    );
    expect(total).toMatchObject({ reads: 3, writes: 4, readItems: 42, writeItems: 46 });
  });
});
