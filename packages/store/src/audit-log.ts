import { randomUUID } from 'node:crypto';
import type { AuditRecord, AuditRepository, Page } from '@cx/domain';
import { keys, stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

/** The audit log. Records are written in the same transaction as the change they describe. */
export class AuditLog implements AuditRepository {
  constructor(private readonly table: Table) {}

  /** A change that records `entry`; commit it with the change's own writes. */
  entry(entry: Omit<AuditRecord, 'id'> & { id?: string }): TableChange {
    const record: AuditRecord = { ...entry, id: entry.id ?? randomUUID() };
    return new TableChange('audit', {
      Put: {
        TableName: this.table.name,
        Item: {
          ...keys.audit(record.at, record.id, record.institution),
          ...keys.auditIndexes(record.at, record.id),
          entity: 'audit',
          schemaVersion: 1,
          ...record,
        },
      },
    });
  }

  /** Newest first; all records, or those of one institution. */
  async list(filter: { institution?: string }, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const page = filter.institution
      ? await this.table.page(undefined, keys.auditPartition(filter.institution), limit, cursor, { newestFirst: true })
      : await this.table.page('gsi1', keys.auditAllPartition, limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<AuditRecord>(item)), nextCursor: page.nextCursor };
  }
}
