/**
 * Graduation-run workers as child processes (graduation-worker.ts) and the queue between the
 * run and them, SQS's stand-in: chunks wait in order, each worker pulls one at a time, and a
 * chunk whose delivery failed is delivered again after a visibility delay.
 */
import type { BatchChunkMessage } from '@cx/core';
import type { JobQueue } from '@cx/domain';
import { startBundledChild, type BenchChild } from './channel.js';
import type { Delivery, WorkerConfig, WorkerStats } from './graduation-worker.js';
import type { KmsAccount } from './simulated-kms.js';

const REDELIVERY_DELAY_MS = 500;
const MAX_RECEIVES = 10;

export class ChunkQueue implements JobQueue<BatchChunkMessage> {
  private readonly waiting: Delivery[] = [];
  private readonly parked: Array<(delivery: Delivery | null) => void> = [];
  private readonly receives = new Map<string, number>();
  private readonly inFlight = new Map<string, Delivery>();
  private closed = false;
  private expected = Number.POSITIVE_INFINITY;
  private finished?: () => void;
  private failed?: (error: Error) => void;
  acknowledged = 0;
  deliveries = 0;
  failedDeliveries = 0;

  async send(messages: BatchChunkMessage[]): Promise<void> {
    for (const message of messages) this.offer({ messageId: `${message.batchId}/${message.chunk}`, message, receiveCount: 0 });
  }

  /** Resolves once `chunks` deliveries have succeeded. */
  allDone(chunks: number): Promise<void> {
    this.expected = chunks;
    return new Promise((resolve, reject) => {
      this.finished = resolve;
      this.failed = reject;
      this.check();
    });
  }

  pull(): Promise<Delivery | null> {
    const next = this.waiting.shift();
    if (next) return Promise.resolve(this.deliver(next));
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.parked.push(resolve));
  }

  done(messageId: string, failed: boolean): void {
    const delivery = this.inFlight.get(messageId);
    if (!delivery) throw new Error(`no chunk ${messageId} in flight`);
    this.inFlight.delete(messageId);
    if (!failed) {
      this.acknowledged++;
      this.check();
      return;
    }
    this.failedDeliveries++;
    if (delivery.receiveCount >= MAX_RECEIVES) {
      this.failed?.(new Error(`chunk ${messageId} failed ${delivery.receiveCount} deliveries`));
      return;
    }
    setTimeout(() => this.offer(delivery), REDELIVERY_DELAY_MS);
  }

  /** No more chunks: every worker waiting for one, or asking next, is told to stop. */
  close(): void {
    this.closed = true;
    for (const resolve of this.parked.splice(0)) resolve(null);
  }

  private offer(delivery: Delivery): void {
    const parked = this.parked.shift();
    if (parked) parked(this.deliver(delivery));
    else this.waiting.push(delivery);
  }

  private deliver(delivery: Delivery): Delivery {
    const receiveCount = (this.receives.get(delivery.messageId) ?? 0) + 1;
    this.receives.set(delivery.messageId, receiveCount);
    this.deliveries++;
    const delivered = { ...delivery, receiveCount };
    this.inFlight.set(delivery.messageId, delivered);
    return delivered;
  }

  private check(): void {
    if (this.acknowledged >= this.expected) this.finished?.();
  }
}

export interface WorkerRun {
  stats: WorkerStats[];
  queue: ChunkQueue;
}

/**
 * Starts one worker process per config (`bundle`: graduation-worker.ts bundled as the Lambda
 * functions are), lets `start` submit a run to the queue, waits until
 * every one of its chunks was processed, and answers each worker's figures.
 */
export async function runWorkers(bundle: string, configs: WorkerConfig[], start: (queue: ChunkQueue) => Promise<{ chunks: number }>, account?: KmsAccount): Promise<WorkerRun> {
  const queue = new ChunkQueue();
  const children: BenchChild[] = configs.map((config) => startBundledChild(bundle, { CX_BENCH_WORKER: JSON.stringify(config) }));
  try {
    for (const child of children) {
      child.channel.handle('pull', () => queue.pull());
      child.channel.handle('done', ({ messageId, failed }: { messageId: string; failed: boolean }) => queue.done(messageId, failed));
      child.channel.handle('sign', () => {
        if (!account) throw new Error('this run has no simulated KMS');
        return account.admit();
      });
    }
    await Promise.all(children.map((child) => child.ready));
    const working = children.map((child) => child.channel.request('work'));
    const { chunks } = await start(queue);
    await Promise.race([queue.allDone(chunks), ...working.map((w) => w.then(() => Promise.reject(new Error('a worker stopped before the run ended'))))]);
    queue.close();
    await Promise.all(working);
    const stats = await Promise.all(children.map((child) => child.channel.request<WorkerStats>('stats')));
    return { stats, queue };
  } finally {
    queue.close();
    await Promise.all(
      children.map(async (child) => {
        await child.channel.request('exit').catch(() => undefined);
        await child.exited;
      }),
    );
  }
}
