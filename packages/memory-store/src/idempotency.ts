/**
 * Idempotency records by scope and key. They are not expired here: DynamoDB's TTL deletes
 * late and reads still return expired records until it does, so readers judge their age.
 */
import type { Change, IdempotencyRecord, IdempotencyRepository } from '@cx/domain';
import { Items } from './items.js';
import type { UnitOfWork } from './unit-of-work.js';

const itemKey = (scope: string, key: string) => `${scope}/${key}`;

export class MemoryIdempotency implements IdempotencyRepository {
  private readonly items = new Items<IdempotencyRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  async claim(scope: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined> {
    const key = itemKey(scope, record.key);
    const existing = this.items.get(key);
    if (!existing) {
      this.items.set(key, record);
      return undefined;
    }
    // the caller's own claim, written by an attempt whose answer was lost
    const own = existing.state === 'pending' && existing.resultId === record.resultId && existing.createdAt === record.createdAt;
    return own ? undefined : existing;
  }

  async takeOver(scope: string, key: string, readCreatedAt: string, at: string): Promise<boolean> {
    const existing = this.items.peek(itemKey(scope, key));
    if (existing?.state !== 'pending' || existing.createdAt !== readCreatedAt) return false;
    this.items.set(itemKey(scope, key), { ...existing, createdAt: at });
    return true;
  }

  async fence(scope: string, key: string, at: string): Promise<IdempotencyRecord | undefined> {
    const existing = this.items.get(itemKey(scope, key));
    if (existing?.state === 'done') return existing;
    this.items.set(itemKey(scope, key), { key, requestHash: 'fenced', resultId: '', state: 'done', createdAt: at });
    return undefined;
  }

  async get(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.items.get(itemKey(scope, key));
  }

  complete(scope: string, key: string): Change {
    const item = itemKey(scope, key);
    return this.unit.change(
      'idempotency',
      `idempotency/${item}`,
      () => this.items.peek(item)?.state === 'pending',
      () => this.items.set(item, { ...this.items.peek(item)!, state: 'done' }),
    );
  }

  async release(scope: string, key: string, claimedAt?: string): Promise<void> {
    const existing = this.items.peek(itemKey(scope, key));
    if (existing?.state === 'pending' && (claimedAt === undefined || existing.createdAt === claimedAt)) this.items.delete(itemKey(scope, key));
  }
}
