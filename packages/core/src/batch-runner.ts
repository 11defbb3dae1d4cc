/**
 * Graduation runs: up to 10,000 credentials in one request. The items are stored, the
 * request answers 202 at once, and chunks of items go through a queue (SQS in AWS, an
 * in-process queue locally) to workers running `processChunk`. Each item is issued
 * exactly once however often a chunk is delivered: the item's Idempotency-Key is derived
 * from the batch and its index, and its outcome is recorded once.
 */
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  fieldIssues,
  issueRequestSchema,
  type Actor,
  type Clock,
  type JobQueue,
  type Principal,
} from '@cx/domain';
import type { BatchRecord, Store } from '@cx/store';
import type { CredentialIssuer } from './issuer.js';

export interface BatchChunkMessage {
  institution: string;
  batchId: string;
  chunk: number;
}

export interface BatchView {
  id: string;
  status: 'queued' | 'running' | 'done' | 'done-with-errors';
  total: number;
  issued: number;
  failed: number;
  createdAt: string;
  errors: Array<{ index: number; problem: unknown }>;
}

/** Items of a chunk issued at once by one worker. */
const ITEM_CONCURRENCY = 16;

function principalOfActor(actor: Actor): Principal {
  if (actor.kind === 'institution' && actor.id) return { kind: 'institution', institutionId: actor.id, keyId: actor.keyId ?? 'batch' };
  if (actor.kind === 'admin') return { kind: 'admin', keyId: actor.keyId ?? 'batch' };
  return { kind: 'anonymous' };
}

export class BatchRunner {
  constructor(
    private readonly deps: { store: Store; issuer: CredentialIssuer; clock: Clock; queue: JobQueue<BatchChunkMessage> },
  ) {}

  async submit(institution: string, items: unknown[], actor: Actor, requestId?: string): Promise<BatchRecord> {
    const batch = await this.deps.store.batches.create(
      { id: randomUUID(), institution, total: items.length, createdAt: this.deps.clock.now().toISOString(), createdBy: actor, requestId },
      items,
    );
    await this.deps.queue.send(Array.from({ length: batch.chunks }, (_, chunk) => ({ institution, batchId: batch.id, chunk })));
    return batch;
  }

  async view(institution: string, id: string): Promise<BatchView | undefined> {
    const batch = await this.deps.store.batches.get(institution, id);
    if (!batch) return undefined;
    const processed = batch.issued + batch.failed;
    const status: BatchView['status'] =
      processed >= batch.total ? (batch.failed > 0 ? 'done-with-errors' : 'done') : processed === 0 && !batch.startedAt ? 'queued' : 'running';
    const errors = batch.failed > 0 ? await this.deps.store.batches.failures(institution, id) : [];
    return { id, status, total: batch.total, issued: batch.issued, failed: batch.failed, createdAt: batch.createdAt, errors };
  }

  /**
   * Issues the items of one chunk. Items with an outcome are skipped; a client error is
   * recorded as the item's failure; anything else (KMS or DynamoDB trouble) is thrown so
   * the queue delivers the chunk again.
   */
  async processChunk(message: BatchChunkMessage): Promise<void> {
    const { institution, batchId, chunk } = message;
    const batch = await this.deps.store.batches.get(institution, batchId);
    const stored = await this.deps.store.batches.chunk(institution, batchId, chunk);
    if (!batch || !stored) throw new Error(`batch ${institution}/${batchId} chunk ${chunk} not found`);
    const principal = principalOfActor(batch.createdBy);
    const pending = stored.items.map((item, offset) => ({ item, index: stored.first + offset }));
    let next = 0;
    const worker = async () => {
      for (let job = pending[next++]; job; job = pending[next++]) {
        if (await this.deps.store.batches.recorded(institution, batchId, job.index)) continue;
        const at = () => this.deps.clock.now().toISOString();
        const parsed = issueRequestSchema.safeParse(job.item);
        if (!parsed.success) {
          const errors = fieldIssues(parsed.error);
          await this.deps.store.batches.record(
            institution,
            batchId,
            job.index,
            { index: job.index, problem: { status: 400, title: 'The item is not valid', detail: `invalid fields: ${errors.map((e) => e.field).join(', ')}`, errors } },
            at(),
          );
          continue;
        }
        try {
          const issued = await this.deps.issuer.issue(institution, parsed.data, {
            principal,
            requestId: batch.requestId,
            idempotencyKey: `batch-${batchId}-${job.index}`,
          });
          await this.deps.store.batches.record(institution, batchId, job.index, { credentialId: issued.id }, at());
        } catch (error) {
          if (!(error instanceof DomainError) || error.code === 'dependency-failed' || error.code === 'conflict' && /still being processed/.test(error.message)) throw error;
          await this.deps.store.batches.record(
            institution,
            batchId,
            job.index,
            { index: job.index, problem: { status: statusOf(error.code), title: TITLES[error.code] ?? 'Not issued', detail: error.message, ...(error.extensions as object) } },
            at(),
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(ITEM_CONCURRENCY, pending.length) }, worker));
    const after = await this.deps.store.batches.get(institution, batchId);
    if (after && after.issued + after.failed >= after.total) await this.deps.store.batches.close(institution, batchId, this.deps.clock.now().toISOString());
  }

  /**
   * Sends the chunks of every unfinished batch to the queue again: after a restart of the
   * local exchange, whose in-process queue does not survive it. Items already issued are
   * skipped, so resuming never issues twice. Answers how many batches it resumed.
   */
  async resumeOpen(): Promise<number> {
    const open = await this.deps.store.batches.open();
    for (const batch of open) {
      await this.deps.queue.send(Array.from({ length: batch.chunks }, (_, chunk) => ({ institution: batch.institution, batchId: batch.id, chunk })));
    }
    return open.length;
  }
}

const TITLES: Partial<Record<DomainError['code'], string>> = {
  validation: 'The item is not valid',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  unprocessable: 'The item cannot be issued',
};

const statusOf = (code: DomainError['code']): number =>
  ({ validation: 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, 'precondition-failed': 412, unprocessable: 422 }) [code as string] ?? 400;

/**
 * The local stand-in for SQS: runs the handler for each message in this process, a few at
 * a time, redelivering a message whose handler threw (as SQS would after its visibility timeout).
 */
export class InProcessQueue<T> implements JobQueue<T> {
  private readonly waiting: Array<{ message: T; attempt: number }> = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly handler: (message: T) => Promise<void>,
    private readonly options: { concurrency?: number; maxAttempts?: number; retryDelayMs?: number } = {},
  ) {}

  async send(messages: T[]): Promise<void> {
    this.waiting.push(...messages.map((message) => ({ message, attempt: 1 })));
    this.pump();
  }

  /** Resolves when every sent message has been handled (tests, benchmarks, shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < (this.options.concurrency ?? 2) && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      this.handler(job.message)
        .catch((error: unknown) => {
          if (job.attempt >= (this.options.maxAttempts ?? 5)) {
            console.error(JSON.stringify({ level: 'error', message: 'queue message dropped after retries', error: String(error) }));
            return;
          }
          return new Promise<void>((resolve) =>
            setTimeout(() => {
              this.waiting.push({ message: job.message, attempt: job.attempt + 1 });
              resolve();
            }, this.options.retryDelayMs ?? 500),
          );
        })
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            waiters.forEach((resolve) => resolve());
          }
        });
    }
  }
}
