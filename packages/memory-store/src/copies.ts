import type { Change, CopyRecord, CopyRepository, Page } from '@cx/domain';
import { Items } from './items.js';
import { page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryCopies implements CopyRepository {
  /** Keyed `institution/copyId`. */
  private readonly items = new Items<CopyRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  create(record: CopyRecord): Change {
    const key = `${record.institution}/${record.copyId}`;
    const copy = structuredClone(record);
    return this.unit.change('copy', `copy/${key}`, () => !this.items.has(key), () => this.items.set(key, copy));
  }

  async ofCredential(institution: string, originalId: string, limit: number, cursor?: string): Promise<Page<CopyRecord>> {
    const of = this.items.values().filter((copy) => copy.institution === institution && copy.originalId === originalId);
    return page(`copies-of/${institution}/${originalId}`, of.map((item) => ({ sortKey: `${item.issuedAt}#${item.copyId}`, item })), limit, cursor, { newestFirst: true });
  }
}
