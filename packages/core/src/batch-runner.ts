/**
 * Graduation runs: up to 10,000 credentials in one request. Every item is validated before
 * anything is stored; the items are stored in chunks, the request answers 202 at once, and
 * the chunks go through a queue (SQS in AWS, an in-process queue locally) to workers running
 * `processChunk`. Each item is issued exactly once however often a chunk is delivered: the
 * item's credential id is derived from the run and its index, and the credential, its
 * notice and the item's outcome are one transaction that fails when the item has an
 * outcome already (runs started before this kept an Idempotency-Key per item, and still do).
 * What a chunk needs besides is read and reserved once per delivery, not per item: the run,
 * the chunk, its recorded outcomes, the institution, the catalogue entries (one batch read)
 * and a block of status indexes (one write), so an item costs one write request. Every item ends issued or failed: a chunk that keeps failing is given up
 * with `failChunk` (the in-process queue's last attempt, the dead-letter queue's consumer in
 * AWS, the scheduled `sweep`), which reports its remaining items failed with the reason.
 * Each item issued to an email address gets its claim notice (unless the run or the item
 * says `"notify": false`), written with its credential, so a chunk delivered twice writes
 * none twice; a chunk's notices go to the notice queue together, a few at a time.
 */
import { randomUUID } from 'node:crypto';
import {
  contentHash,
  DomainError,
  fieldIssues,
  issueRequestSchema,
  retry,
  ValidationError,
  chunkItems,
  type Actor,
  type BatchFailure,
  type BatchRecord,
  type Clock,
  type FieldIssue,
  type JobQueue,
  type Persistence,
  type Principal,
  consoleLog,
  type Log,
} from '@cx/domain';
import type { NoticeMessage } from './delivery/notice-message.js';
import type { NoticeService } from './delivery/notices.js';
import { batchCredentialId } from './batch-item-id.js';
import type { Idempotency } from './idempotency.js';
import { entryKey, type CredentialIssuer, type SignedIssue } from './issuer.js';
import { requireActiveMember } from './membership.js';
import type { StatusService } from './status-service.js';

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
  /** A page of the failed items, by index. */
  errors: Array<{ index: number; problem: unknown }>;
  /** Where the next page of `errors` starts, when there is one. */
  nextCursor?: string;
}

export interface SubmitOptions {
  requestId?: string;
  /** The client's Idempotency-Key: a repeated start with it answers the first run. */
  idempotencyKey?: string;
  /** `false`: no item of the run gets a notice (the run's `"notify": false`). */
  notify?: boolean;
}

/** A started run; `replayed` when an earlier start with the same Idempotency-Key made it. */
export type SubmittedBatch = BatchRecord & { replayed: boolean };

export interface SweepOptions {
  /** A chunk with no count for this long (since the run started, or its last count) is sent again. */
  staleAfterMs?: number;
  /** A run still open this long after it was created has its unfinished chunks failed. */
  failAfterMs?: number;
}

export interface SweepResult {
  /** Chunks sent to the queue again. */
  resent: number;
  /** Chunks given up (their remaining items failed). */
  failed: number;
  /** Runs found finished and closed. */
  closed: number;
}

/** Items of a chunk issued at once by one worker. */
const ITEM_CONCURRENCY = 16;
/**
 * Items of a run committed in one transaction: 8 items of 7 writes each (credential, delivery,
 * claim link, notice, audit record, outcome, and the check that the item was not failed) stay
 * well inside DynamoDB's 100 writes and 4 MB, and cost one request instead of eight.
 */
const GROUP_SIZE = 8;
/** Attempts at one item within a delivery before the chunk is failed back to the queue. */
const ITEM_ATTEMPTS = 4;
/** A chunk's count is refreshed after this many new outcomes (and when the chunk ends). */
const COUNT_EVERY = 25;
/** Field issues reported for a refused run at most (10,000 bad items would be a huge 400). */
const MAX_REPORTED_ISSUES = 100;
/** Past the sweep's deadline, unfinished chunks are failed: well inside the item keys' 24 h life. */
export const BATCH_FAIL_AFTER_MS = 6 * 3600_000;
/** A chunk that has not been counted for this long is sent again by the sweep. */
export const BATCH_STALE_AFTER_MS = 30 * 60_000;

/** Where an item's credential is remembered: the Idempotency-Key the run issues it with. */
export const batchItemKey = (batchId: string, index: number): string => `batch-${batchId}-${index}`;

/** The request hash of a run under an Idempotency-Key (not any single issue request's). */
const runHash = (items: unknown[], notify?: boolean) => contentHash({ operation: 'credential-batch', items, ...(notify === undefined ? {} : { notify }) });

function principalOfActor(actor: Actor): Principal {
  if (actor.kind === 'institution' && actor.id) return { kind: 'institution', institutionId: actor.id, keyId: actor.keyId ?? 'batch' };
  if (actor.kind === 'admin') return { kind: 'admin', keyId: actor.keyId ?? 'batch' };
  return { kind: 'anonymous' };
}

/**
 * Whether a failure of an item is the exchange's (a service failed, was busy, or another
 * delivery holds the item): then the item is tried again, not reported failed.
 */
export function isTransientItemFailure(error: unknown): boolean {
  if (!(error instanceof DomainError)) return true;
  return error.code === 'dependency-failed' || error.code === 'rate-limited' || (error.code === 'conflict' && /still being processed/.test(error.message));
}

/** Why a chunk was given up, in words fit for the run's errors (no internals). */
export function giveUpReason(error: unknown, attempts?: number): string {
  const after = attempts ? ` after ${attempts} attempts` : '';
  if (error instanceof DomainError) return `not issued${after}: ${error.message}`;
  return `not issued${after}: a service the exchange depends on (KMS or DynamoDB) kept failing`;
}

/** Validates every item of a run, naming each failing field as `items.<index>.<field>`. */
export function validateBatchItems(items: unknown[]): unknown[] {
  const issues: FieldIssue[] = [];
  const valid = items.map((item, index) => {
    const parsed = issueRequestSchema.safeParse(item);
    if (parsed.success) return parsed.data;
    if (issues.length < MAX_REPORTED_ISSUES) issues.push(...fieldIssues(parsed.error, ['items', String(index)]));
    return undefined;
  });
  if (issues.length) {
    const fields = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => issue.field);
    throw new ValidationError(`invalid items: ${fields.slice(0, 10).join(', ')}${fields.length > 10 ? ', ...' : ''}`, issues.slice(0, MAX_REPORTED_ISSUES));
  }
  try {
    chunkItems(valid);
  } catch (error) {
    const index = /item (\d+)/.exec((error as Error).message)?.[1];
    throw ValidationError.field(`items.${index ?? 0}`, 'is too large for one item of a graduation run');
  }
  return valid;
}

export class BatchRunner {
  constructor(
    private readonly deps: {
      store: Persistence;
      issuer: CredentialIssuer;
      idempotency: Idempotency;
      clock: Clock;
      queue: JobQueue<BatchChunkMessage>;
      notices: NoticeService;
      status: StatusService;
    },
  ) {}

  private at(): string {
    return this.deps.clock.now().toISOString();
  }

  /**
   * Starts a run. Nothing is stored unless every item is valid. With an Idempotency-Key, a
   * repeated start answers the first run (and finishes starting it, if that failed half-way:
   * its id, chunks and messages are the same, so nothing is issued twice); another body with
   * the key is a 422.
   */
  async submit(institution: string, items: unknown[], actor: Actor, options: SubmitOptions = {}): Promise<SubmittedBatch> {
    const valid = validateBatchItems(items);
    const createdAt = this.at();
    const fresh = {
      id: randomUUID(),
      institution,
      total: valid.length,
      createdAt,
      createdBy: actor,
      requestId: options.requestId,
      ...(options.notify === undefined ? {} : { notify: options.notify }),
      itemIds: 'derived' as const,
    };
    const key = options.idempotencyKey;
    if (!key) return { ...(await this.start(fresh, valid)), replayed: false };

    const claim = await this.deps.idempotency.claim(institution, key, runHash(valid, options.notify), fresh.id);
    // a key older than its time to live binds nothing: this is a new run
    if (!claim.held && claim.state === 'expired') return { ...(await this.start(fresh, valid)), replayed: false };
    const id = claim.held ? claim.resultId : claim.record.resultId;
    if (!claim.held && claim.state === 'completed') {
      const first = await this.deps.store.batches.get(institution, id);
      if (first) return { ...first, replayed: true };
    }
    // an in-progress claim is a start that failed half-way (or runs now): its id, chunks and messages are the same, so finishing it issues nothing twice
    const batch = await this.start({ ...fresh, id, idempotencyKey: key }, valid);
    await this.deps.store.commit([this.deps.idempotency.complete(institution, key)]).catch((error: unknown) => {
      // another start with the key completed it first
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    });
    return { ...batch, replayed: !claim.held };
  }

  /** Stores the run (unless it is stored already) and sends every chunk to the queue. */
  private async start(batch: Omit<BatchRecord, 'chunks'>, items: unknown[]): Promise<BatchRecord> {
    const stored = (await this.deps.store.batches.get(batch.institution, batch.id)) ?? (await this.deps.store.batches.create(batch, items));
    await this.deps.queue.send(Array.from({ length: stored.chunks }, (_, chunk) => ({ institution: stored.institution, batchId: stored.id, chunk })));
    return stored;
  }

  async view(institution: string, id: string, page: { limit?: number; cursor?: string } = {}): Promise<BatchView | undefined> {
    const batch = await this.deps.store.batches.get(institution, id);
    if (!batch) return undefined;
    const { issued, failed } = await this.deps.store.batches.progress(institution, id);
    const processed = issued + failed;
    const status: BatchView['status'] =
      processed >= batch.total ? (failed > 0 ? 'done-with-errors' : 'done') : processed === 0 && !batch.startedAt ? 'queued' : 'running';
    const errors = failed > 0 || page.cursor ? await this.deps.store.batches.failures(institution, id, page.limit ?? 1000, page.cursor) : { items: [] };
    return {
      id,
      status,
      total: batch.total,
      issued,
      failed,
      createdAt: batch.createdAt,
      errors: errors.items,
      ...(errors.nextCursor ? { nextCursor: errors.nextCursor } : {}),
    };
  }

  /**
   * Issues the items of one chunk. Items with an outcome are skipped; a client error is
   * recorded as the item's failure; anything else (KMS or DynamoDB trouble) is retried a few
   * times, then thrown once every item in flight has settled, so the queue delivers the
   * chunk again.
   */
  async processChunk(message: BatchChunkMessage): Promise<void> {
    const { institution, batchId, chunk } = message;
    const [batch, stored] = await Promise.all([this.deps.store.batches.get(institution, batchId), this.deps.store.batches.chunk(institution, batchId, chunk)]);
    if (!batch || !stored) throw new Error(`batch ${institution}/${batchId} chunk ${chunk} not found`);
    if (!batch.startedAt) await this.deps.store.batches.started(institution, batchId, this.at());
    const recorded = await this.deps.store.batches.recordedIn(institution, batchId, stored.first, stored.items.length);
    const pending = stored.items.map((item, offset) => ({ item, index: stored.first + offset })).filter((job) => !recorded.has(job.index));
    if (batch.itemIds === 'derived') return this.issueChunk(message, batch, stored, pending);
    return this.issueChunkByKeys(message, batch, stored, pending);
  }

  /**
   * Issues the pending items of a chunk of a run started since issue 14. The chunk is the
   * unit: the institution, the catalogue entries and a block of status indexes are read and
   * reserved once; each item is then one transaction (see the module's comment). Another
   * delivery of the chunk at the same time builds the same credential ids, so only one of
   * them stores each item (the other's transaction fails: the item is recorded already).
   */
  private async issueChunk(message: BatchChunkMessage, batch: BatchRecord, stored: { first: number; items: unknown[] }, pending: Array<{ item: unknown; index: number }>): Promise<void> {
    const { institution, batchId } = message;
    const principal = principalOfActor(batch.createdBy);
    const recordFailure = (index: number, error: DomainError) => this.deps.store.batches.record(institution, batchId, index, { index, problem: problemOf(error) });
    const jobs: Array<{ index: number; request: ReturnType<typeof issueRequestSchema.parse> }> = [];
    for (const { item, index } of pending) {
      const parsed = issueRequestSchema.safeParse(item);
      // runs are validated when they start; this is for items stored before that
      if (parsed.success) jobs.push({ index, request: batch.notify === false ? { ...parsed.data, notify: false } : parsed.data });
      else await this.deps.store.batches.record(institution, batchId, index, { index, problem: invalidItemProblem(parsed.error) });
    }
    if (jobs.length === 0) return this.countAndClose(message, batch.total, stored);

    const prepared = await retry(
      async () => {
        const member = await requireActiveMember(this.deps.store, institution, 'can issue nothing new');
        const entries = await this.deps.issuer.resolveEntries(institution, jobs.map((job) => job.request));
        const issuable = jobs.filter((job) => !(entries.get(entryKey(job.request)) instanceof Error));
        const slots = issuable.length ? await this.deps.status.allocateMany(member, issuable.length, `batch/${batchId}/${message.chunk}`) : [];
        return { member, entries, slots: new Map(issuable.map((job, i) => [job.index, slots[i]!])) };
      },
      { retryable: isTransientItemFailure, attempts: ITEM_ATTEMPTS, baseDelayMs: 50, maxDelayMs: 1000 },
    ).catch(async (error: unknown) => {
      if (isTransientItemFailure(error)) throw error;
      // a suspended or removed institution: every item fails with why, as issuing each would
      for (const job of jobs) await recordFailure(job.index, error as DomainError);
      return undefined;
    });
    if (!prepared) return this.countAndClose(message, batch.total, stored);

    let notices: NoticeMessage[] = [];
    const dispatchNotices = () => {
      const taken = notices;
      notices = [];
      return this.deps.notices.dispatch(taken);
    };
    const sign = async (job: (typeof jobs)[number]) => {
      const entry = prepared.entries.get(entryKey(job.request))!;
      if (entry instanceof Error) throw entry;
      const id = batchCredentialId(institution, batchId, job.index);
      const prepare = { id, entry, slot: prepared.slots.get(job.index)!, alongside: this.deps.store.batches.issued(institution, batchId, job.index, id) };
      return this.deps.issuer.signPrepared(prepared.member, job.request, { principal, requestId: batch.requestId }, prepare);
    };
    // a group's items are signed at once, then committed in one transaction; a commit is
    // retried with the very items it wrote, never signed again, so the notice dispatched for
    // an item whose commit answer was lost is the one stored
    const issueGroup = async (group: typeof jobs) => {
      const signed: SignedIssue[] = [];
      const settled = await Promise.allSettled(
        group.map(async (job) => {
          try {
            signed.push(await retry(() => sign(job), { retryable: isTransientItemFailure, attempts: ITEM_ATTEMPTS, baseDelayMs: 50, maxDelayMs: 1000 }));
          } catch (error) {
            if (isTransientItemFailure(error)) throw error;
            await recordFailure(job.index, error as DomainError);
          }
        }),
      );
      const outcomes = await retry(() => this.deps.issuer.commitSigned(signed), { retryable: isTransientItemFailure, attempts: ITEM_ATTEMPTS, baseDelayMs: 50, maxDelayMs: 1000 });
      // an item `recorded` was issued by another delivery, or failed when the chunk was given up: that outcome stands
      outcomes.forEach((outcome, i) => {
        const notice = signed[i]!.notice;
        if (outcome === 'stored' && notice) notices.push(notice);
      });
      // what was signed is committed first; an item that kept failing makes the chunk come again
      const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure) throw failure.reason;
    };
    const groups = Array.from({ length: Math.ceil(jobs.length / GROUP_SIZE) }, (_, g) => jobs.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE));
    await this.runItems(groups, issueGroup, message, stored, dispatchNotices, { concurrency: ITEM_CONCURRENCY / GROUP_SIZE, attempts: 1, countEvery: COUNT_EVERY / GROUP_SIZE });
    await this.countAndClose(message, batch.total, stored);
  }

  /**
   * Runs `issueOne` over `jobs`, ITEM_CONCURRENCY at a time, each retried a few times on a
   * transient failure; the chunk's count is refreshed (and notices dispatched) every
   * COUNT_EVERY items. Throws the first failure that outlasted its retries once every item
   * in flight has settled, so the queue delivers the chunk again; the notices of what was
   * issued go out either way.
   */
  private async runItems<J>(
    jobs: J[],
    issueOne: (job: J) => Promise<void>,
    message: BatchChunkMessage,
    stored: { first: number; items: unknown[] },
    dispatchNotices: () => Promise<void>,
    options: { concurrency: number; attempts: number; countEvery: number } = { concurrency: ITEM_CONCURRENCY, attempts: ITEM_ATTEMPTS, countEvery: COUNT_EVERY },
  ): Promise<void> {
    let next = 0;
    let stopped = false;
    let sinceCount = 0;
    const worker = async () => {
      for (let job = jobs[next++]; job !== undefined && !stopped; job = jobs[next++]) {
        try {
          await retry(() => issueOne(job), { retryable: isTransientItemFailure, attempts: options.attempts, baseDelayMs: 50, maxDelayMs: 1000 });
        } catch (error) {
          stopped = true;
          throw error;
        }
        if (++sinceCount >= options.countEvery) {
          sinceCount = 0;
          await dispatchNotices();
          await this.count(message, stored).catch(() => undefined);
        }
      }
    };
    const settled = await Promise.allSettled(Array.from({ length: Math.min(options.concurrency, jobs.length) }, worker));
    await dispatchNotices();
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) {
      await this.count(message, stored).catch(() => undefined);
      throw failure.reason;
    }
  }

  /** Issues the pending items of a run started before issue 14: each under an Idempotency-Key of its own. */
  private async issueChunkByKeys(message: BatchChunkMessage, batch: BatchRecord, stored: { first: number; items: unknown[] }, pending: Array<{ item: unknown; index: number }>): Promise<void> {
    const { institution, batchId } = message;
    const principal = principalOfActor(batch.createdBy);
    // the notices of items issued in this delivery, dispatched together at each count and at the end
    let notices: NoticeMessage[] = [];
    const dispatchNotices = () => {
      const taken = notices;
      notices = [];
      return this.deps.notices.dispatch(taken);
    };
    const issueOne = async ({ item, index }: { item: unknown; index: number }) => {
      const parsed = issueRequestSchema.safeParse(item);
      if (!parsed.success) {
        await this.deps.store.batches.record(institution, batchId, index, { index, problem: invalidItemProblem(parsed.error) });
        return;
      }
      try {
        // the run's "notify": false counts for every item (and is part of the item's request, as its own would be)
        const request = batch.notify === false ? { ...parsed.data, notify: false } : parsed.data;
        const issued = await this.deps.issuer.issue(institution, request, {
          principal,
          requestId: batch.requestId,
          idempotencyKey: batchItemKey(batchId, index),
          deferNotice: (notice) => notices.push(notice),
        });
        await this.deps.store.batches.record(institution, batchId, index, { credentialId: issued.id });
      } catch (error) {
        if (isTransientItemFailure(error)) throw error;
        await this.deps.store.batches.record(institution, batchId, index, { index, problem: problemOf(error as DomainError) });
      }
    };
    await this.runItems(pending, issueOne, message, stored, dispatchNotices);
    await this.countAndClose(message, batch.total, stored);
  }

  /**
   * Gives a chunk up: each of its items without an outcome is reported failed with `reason`
   * (unless its credential was issued after all: then it is recorded issued). An item's key
   * is closed first, so a worker still holding it can no longer store a credential for it.
   * Idempotent; the run ends once all its chunks have.
   */
  async failChunk(message: BatchChunkMessage, reason: string): Promise<void> {
    const { institution, batchId, chunk } = message;
    const [batch, stored] = await Promise.all([this.deps.store.batches.get(institution, batchId), this.deps.store.batches.chunk(institution, batchId, chunk)]);
    if (!batch || !stored) return;
    const recorded = await this.deps.store.batches.recordedIn(institution, batchId, stored.first, stored.items.length);
    const remaining = stored.items.map((_, offset) => stored.first + offset).filter((index) => !recorded.has(index));
    const problem: BatchFailure['problem'] = { status: 503, title: 'Not issued', detail: reason };
    let next = 0;
    const worker = async () => {
      for (let index = remaining[next++]; index !== undefined; index = remaining[next++]) {
        const failOne = async (index: number) => {
          // the failure's item fences the item: a worker's transaction checks it is absent,
          // and it is written only while the item is not issued (record answers false then)
          if (batch.itemIds === 'derived') return void (await this.deps.store.batches.record(institution, batchId, index, { index, problem }));
          const completed = await this.deps.store.idempotency.fence(institution, batchItemKey(batchId, index), this.at());
          const credential = completed?.resultId ? await this.deps.store.credentials.get(institution, completed.resultId, true) : undefined;
          if (credential) {
            await this.deps.store.batches.record(institution, batchId, index, { credentialId: credential.id });
          } else {
            await this.deps.store.batches.record(institution, batchId, index, { index, problem });
          }
        };
        await retry(() => failOne(index), { retryable: isTransientItemFailure, attempts: 8, baseDelayMs: 50, maxDelayMs: 2000 });
      }
    };
    await Promise.all(Array.from({ length: Math.min(ITEM_CONCURRENCY, remaining.length) }, worker));
    await retry(() => this.countAndClose(message, batch.total, stored), { retryable: isTransientItemFailure, attempts: 8, baseDelayMs: 50, maxDelayMs: 2000 });
  }

  private count(message: BatchChunkMessage, stored: { first: number; items: unknown[] }) {
    return this.deps.store.batches.count(message.institution, message.batchId, message.chunk, stored.first, stored.items.length, this.at());
  }

  /** Counts the chunk; when it is finished and so is the whole run, closes the run. */
  private async countAndClose(message: BatchChunkMessage, total: number, stored: { first: number; items: unknown[] }): Promise<void> {
    const count = await this.count(message, stored);
    if (count.issued + count.failed < count.size) return;
    const progress = await this.deps.store.batches.progress(message.institution, message.batchId);
    if (progress.issued + progress.failed >= total) await this.deps.store.batches.close(message.institution, message.batchId, this.at());
  }

  /** The chunks of an open run that have not ended yet. */
  private async unfinishedChunks(batch: BatchRecord): Promise<Array<{ message: BatchChunkMessage; countedAt?: string }>> {
    const { counts } = await this.deps.store.batches.progress(batch.institution, batch.id);
    const byChunk = new Map(counts.map((count) => [count.chunk, count]));
    return Array.from({ length: batch.chunks }, (_, chunk) => ({ chunk, count: byChunk.get(chunk) }))
      .filter(({ count }) => !count || count.issued + count.failed < count.size)
      .map(({ chunk, count }) => ({ message: { institution: batch.institution, batchId: batch.id, chunk }, countedAt: count?.countedAt }));
  }

  /**
   * Sends the unfinished chunks of every open run to the queue again: after a restart of the
   * local exchange, whose in-process queue does not survive it. Items already issued are
   * skipped, so resuming never issues twice. Answers how many runs it resumed.
   */
  async resumeOpen(): Promise<number> {
    const open = await this.deps.store.batches.open();
    let resumed = 0;
    for (const batch of open) {
      const unfinished = await this.unfinishedChunks(batch);
      if (unfinished.length === 0) {
        await this.deps.store.batches.close(batch.institution, batch.id, this.at());
        continue;
      }
      await this.deps.queue.send(unfinished.map(({ message }) => message));
      resumed++;
    }
    return resumed;
  }

  /**
   * The scheduled sweep, so that no run stays open for ever: a run whose chunks have all
   * ended is closed; past `failAfterMs` after its start its unfinished chunks are failed;
   * before that, a chunk not counted for `staleAfterMs` (its message lost, or a queueing
   * that failed half-way) is sent again.
   */
  async sweep(options: SweepOptions = {}): Promise<SweepResult> {
    const staleAfterMs = options.staleAfterMs ?? BATCH_STALE_AFTER_MS;
    const failAfterMs = options.failAfterMs ?? BATCH_FAIL_AFTER_MS;
    const now = this.deps.clock.now().getTime();
    const result: SweepResult = { resent: 0, failed: 0, closed: 0 };
    for (const batch of await this.deps.store.batches.open()) {
      const unfinished = await this.unfinishedChunks(batch);
      if (unfinished.length === 0) {
        await this.deps.store.batches.close(batch.institution, batch.id, this.at());
        result.closed++;
        continue;
      }
      if (now - Date.parse(batch.createdAt) > failAfterMs) {
        const hours = Math.round(failAfterMs / 3600_000);
        for (const { message } of unfinished) await this.failChunk(message, `not issued: the run did not finish within ${hours} hours of its start`);
        result.failed += unfinished.length;
        continue;
      }
      const since = (countedAt?: string) => now - Date.parse(countedAt ?? batch.startedAt ?? batch.createdAt);
      const stale = unfinished.filter(({ countedAt }) => since(countedAt) > staleAfterMs).map(({ message }) => message);
      if (stale.length) await this.deps.queue.send(stale);
      result.resent += stale.length;
    }
    return result;
  }
}

const TITLES: Partial<Record<DomainError['code'], string>> = {
  validation: 'The item is not valid',
  forbidden: 'Not allowed',
  'not-found': 'Not found',
  conflict: 'Conflict',
  unprocessable: 'The item cannot be issued',
};

/** An item's failure as the run's errors show it. */
function problemOf(error: DomainError): BatchFailure['problem'] {
  return {
    status: statusOf(error.code),
    title: TITLES[error.code] ?? 'Not issued',
    detail: error.message,
    ...(error instanceof ValidationError && error.issues.length ? { errors: error.issues } : {}),
    ...(error.extensions as object),
  };
}

/** The failure of an item that is not a valid issue request. */
function invalidItemProblem(error: Parameters<typeof fieldIssues>[0]): BatchFailure['problem'] {
  const errors = fieldIssues(error);
  return { status: 400, title: 'The item is not valid', detail: `invalid fields: ${errors.map((e) => e.field).join(', ')}`, errors };
}

const statusOf = (code: DomainError['code']): number =>
  ({ validation: 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, 'precondition-failed': 412, unprocessable: 422 }) [code as string] ?? 400;

/**
 * The local stand-in for SQS: runs the handler for each message in this process, a few at
 * a time, redelivering a message whose handler threw (as SQS would after its visibility
 * timeout). A message that fails `maxAttempts` times goes to `onGiveUp` (what the
 * dead-letter queue's consumer does in AWS), retried until it succeeds or 10 times.
 */
export class InProcessQueue<T> implements JobQueue<T> {
  private readonly waiting: Array<{ message: T; attempt: number }> = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly handler: (message: T) => Promise<void>,
    private readonly options: {
      concurrency?: number;
      maxAttempts?: number;
      retryDelayMs?: number;
      onGiveUp?: (message: T, error: unknown, attempts: number) => Promise<void>;
      /** Where messages given up are logged; the console when absent. */
      log?: Log;
    } = {},
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

  private async giveUp(message: T, error: unknown, attempts: number): Promise<void> {
    const onGiveUp = this.options.onGiveUp;
    if (onGiveUp) {
      try {
        await retry(() => onGiveUp(message, error, attempts), { retryable: () => true, attempts: 10, baseDelayMs: this.options.retryDelayMs ?? 500, maxDelayMs: 5000 });
        (this.options.log ?? consoleLog).error('queue message given up after retries; its failure is recorded', { error });
        return;
      } catch (giveUpError) {
        error = giveUpError;
      }
    }
    (this.options.log ?? consoleLog).error('queue message dropped after retries', { error });
  }

  private pump(): void {
    while (this.running < (this.options.concurrency ?? 2) && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      this.handler(job.message)
        .catch((error: unknown) => {
          if (job.attempt >= (this.options.maxAttempts ?? 5)) return this.giveUp(job.message, error, job.attempt);
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
