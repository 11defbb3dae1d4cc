/**
 * Graduation runs: a head, chunks of items, one outcome per item (issued or failed, never
 * both) and a count per chunk that only grows, as the DynamoDB adapter keeps them.
 */
import { NotFoundError, chunkItems, type Change, type BatchFailure, type BatchProgress, type BatchRecord, type BatchRepository, type ChunkCount, type Page } from '@cx/domain';
import { Items } from './items.js';
import { inOrder, page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

type Outcome = { index: number; credentialId: string } | BatchFailure;

/** Item indexes and chunk numbers padded as packages/store keys.ts pads them, so orders agree. */
const pad = (n: number) => String(n).padStart(6, '0');

export class MemoryBatches implements BatchRepository {
  /** Keyed `institution/id`; `openRuns` holds the keys of runs not yet closed. */
  private readonly heads = new Items<BatchRecord>();
  private readonly openRuns = new Set<string>();
  /** Keyed `institution/id/n`. */
  private readonly chunks = new Items<{ first: number; items: unknown[] }>();
  /** Keyed `institution/id/index`: one outcome per item. */
  private readonly outcomes = new Items<Outcome>();
  /** Keyed `institution/id/chunk`. */
  private readonly counts = new Items<ChunkCount>();

  constructor(private readonly unit: UnitOfWork) {}

  async create(batch: Omit<BatchRecord, 'chunks'>, items: unknown[]): Promise<BatchRecord> {
    const run = `${batch.institution}/${batch.id}`;
    const chunks = chunkItems(items);
    chunks.forEach((chunk, n) => this.chunks.set(`${run}/${n}`, { first: chunk.first, items: chunk.items }));
    const existing = this.heads.get(run);
    if (existing) return existing;
    const record: BatchRecord = { ...structuredClone(batch), chunks: chunks.length };
    this.heads.set(run, record);
    this.openRuns.add(run);
    return record;
  }

  async started(institution: string, id: string, at: string): Promise<void> {
    const head = this.existing(institution, id);
    this.heads.set(`${institution}/${id}`, { ...head, startedAt: head.startedAt ?? at });
  }

  async close(institution: string, id: string, at: string): Promise<void> {
    const head = this.existing(institution, id);
    this.heads.set(`${institution}/${id}`, { ...head, finishedAt: head.finishedAt ?? at });
    this.openRuns.delete(`${institution}/${id}`);
  }

  async open(): Promise<BatchRecord[]> {
    const open = [...this.openRuns].map((run) => this.heads.get(run)!);
    return inOrder(open.map((item) => ({ sortKey: `${item.createdAt}#${item.institution}#${item.id}`, item })));
  }

  async get(institution: string, id: string): Promise<BatchRecord | undefined> {
    return this.heads.get(`${institution}/${id}`);
  }

  async chunk(institution: string, id: string, n: number): Promise<{ first: number; items: unknown[] } | undefined> {
    return this.chunks.get(`${institution}/${id}/${n}`);
  }

  issued(institution: string, id: string, index: number, credentialId: string): Change[] {
    const key = `${institution}/${id}/${index}`;
    // one change for the outcome, which is one item here (DynamoDB checks the failure's item beside it)
    return [this.unit.change('batch-done', `batch-outcome/${key}`, () => !this.outcomes.has(key), () => this.outcomes.set(key, { index, credentialId }))];
  }

  async record(institution: string, id: string, index: number, outcome: { credentialId: string } | BatchFailure): Promise<boolean> {
    const key = `${institution}/${id}/${index}`;
    if (this.outcomes.has(key)) return false;
    this.outcomes.set(key, { index, ...outcome });
    return true;
  }

  async recordedIn(institution: string, id: string, first: number, size: number): Promise<Set<number>> {
    return new Set(this.outcomesIn(institution, id, first, size).map((outcome) => outcome.index));
  }

  async count(institution: string, id: string, chunk: number, first: number, size: number, at: string): Promise<ChunkCount> {
    const outcomes = this.outcomesIn(institution, id, first, size);
    const issued = outcomes.filter((outcome) => 'credentialId' in outcome).length;
    const count: ChunkCount = { chunk, first, size, issued, failed: outcomes.length - issued, countedAt: at };
    const key = `${institution}/${id}/${chunk}`;
    const stored = this.counts.peek(key);
    // a slower worker's older count never replaces a newer one; the caller still gets its own count
    if (!stored || (stored.issued <= count.issued && stored.failed <= count.failed)) this.counts.set(key, count);
    return count;
  }

  async progress(institution: string, id: string): Promise<BatchProgress> {
    const counts = inOrder(this.counts.valuesUnder(`${institution}/${id}/`).map((item) => ({ sortKey: pad(item.chunk), item })));
    return { issued: counts.reduce((sum, c) => sum + c.issued, 0), failed: counts.reduce((sum, c) => sum + c.failed, 0), counts };
  }

  async failures(institution: string, id: string, limit: number, cursor?: string): Promise<Page<BatchFailure>> {
    const failures = this.outcomesOf(institution, id)
      .filter((outcome): outcome is BatchFailure => 'problem' in outcome)
      .map(({ index, problem }) => ({ sortKey: pad(index), item: { index, problem } }));
    return page(`batch-failures/${institution}/${id}`, failures, limit, cursor);
  }

  private existing(institution: string, id: string): BatchRecord {
    const head = this.heads.get(`${institution}/${id}`);
    if (!head) throw new NotFoundError(`batch ${institution}/${id} does not exist`);
    return head;
  }

  private outcomesOf(institution: string, id: string): Outcome[] {
    return this.outcomes.valuesUnder(`${institution}/${id}/`);
  }

  private outcomesIn(institution: string, id: string, first: number, size: number): Outcome[] {
    return this.outcomesOf(institution, id).filter((outcome) => outcome.index >= first && outcome.index < first + size);
  }
}
