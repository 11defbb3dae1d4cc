import { STATUS_BLOCK_SIZE, statusBlockOf, type Change, type StatusListRecord, type StatusListRepository } from '@cx/domain';
import { Items } from './items.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryStatusLists implements StatusListRepository {
  /** The list new credentials get indexes in, by institution (absent: never advanced). */
  private readonly current = new Map<string, number>();
  /** Claimed indexes, `institution/list/index`: never reused. */
  private readonly claimed = new Items<{ credentialId: string; at: string }>();
  /** Reserved blocks, `institution/list/block`. */
  private readonly blocks = new Items<{ owner: string; at: string }>();
  /** Keyed `institution/listId`. */
  private readonly lists = new Items<StatusListRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  async currentListNumber(institution: string): Promise<number> {
    return this.current.get(institution) ?? 1;
  }

  async advance(institution: string, from: number): Promise<void> {
    const current = this.current.get(institution);
    // a pointer never set moves to from + 1, as the DynamoDB condition lets it
    if (current === undefined || current === from) this.current.set(institution, from + 1);
  }

  async claimIndex(institution: string, listNumber: number, index: number, credentialId: string, at: string): Promise<boolean> {
    const key = `${institution}/${listNumber}/${index}`;
    if (this.claimed.has(key) || this.blocks.has(`${institution}/${listNumber}/${statusBlockOf(index)}`)) return false;
    this.claimed.set(key, { credentialId, at });
    return true;
  }

  async reserveBlock(institution: string, listNumber: number, block: number, owner: string, at: string): Promise<number[] | undefined> {
    const key = `${institution}/${listNumber}/${block}`;
    if (this.blocks.has(key)) return undefined;
    this.blocks.set(key, { owner, at });
    const indexes = Array.from({ length: STATUS_BLOCK_SIZE }, (_, i) => block * STATUS_BLOCK_SIZE + i);
    return indexes.filter((index) => !this.claimed.has(`${institution}/${listNumber}/${index}`));
  }

  async get(institution: string, listId: string): Promise<StatusListRecord | undefined> {
    return this.lists.get(`${institution}/${listId}`);
  }

  async create(record: StatusListRecord): Promise<boolean> {
    const key = `${record.institution}/${record.listId}`;
    if (this.lists.has(key)) return false;
    this.lists.set(key, record);
    return true;
  }

  put(record: StatusListRecord, previousRevision: number | undefined): Change {
    const key = `${record.institution}/${record.listId}`;
    const copy = structuredClone(record);
    return this.unit.change(
      'status-list',
      `status-list/${key}`,
      () => (previousRevision === undefined ? !this.lists.has(key) : this.lists.peek(key)?.revision === previousRevision),
      () => this.lists.set(key, copy),
    );
  }
}
