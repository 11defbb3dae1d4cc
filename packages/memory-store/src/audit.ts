import { randomUUID } from 'node:crypto';
import type { AuditRecord, AuditRepository, Change, Page } from '@cx/domain';
import { Items } from './items.js';
import { page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryAudit implements AuditRepository {
  private readonly items = new Items<AuditRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  entry(entry: Omit<AuditRecord, 'id'> & { id?: string }): Change {
    const record: AuditRecord = structuredClone({ ...entry, id: entry.id ?? randomUUID() });
    const key = `${record.institution ?? '-'}/${record.at}#${record.id}`;
    // unconditional, as an audit record is a plain put
    return this.unit.change('audit', `audit/${key}`, () => true, () => this.items.set(key, record));
  }

  async list(filter: { institution?: string }, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const records = this.items.values().filter((record) => !filter.institution || record.institution === filter.institution);
    const listing = filter.institution ? `audit/${filter.institution}` : 'audit';
    return page(listing, records.map((item) => ({ sortKey: `${item.at}#${item.id}`, item })), limit, cursor, { newestFirst: true });
  }
}
