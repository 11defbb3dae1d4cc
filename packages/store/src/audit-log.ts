import { randomUUID } from 'node:crypto';
import type { AuditRecord, Page } from '@cx/domain';
import { keys, stripKeys } from './keys.js';
import type { Table, TransactItem } from './table.js';

/** The audit log. Records are written in the same transaction as the change they describe. */
export class AuditLog {
  constructor(private readonly table: Table) {}

  /** A transaction item that records `entry`; pass it with the change's own writes. */
  entry(entry: Omit<AuditRecord, 'id'> & { id?: string }): TransactItem {
    const record: AuditRecord = { ...entry, id: entry.id ?? randomUUID() };
    return {
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
    };
  }

  /** Newest first; all records, or those of one institution. */
  async list(filter: { institution?: string }, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const page = filter.institution
      ? await this.table.page(undefined, keys.auditPartition(filter.institution), limit, cursor, { newestFirst: true })
      : await this.table.page('gsi1', keys.auditAllPartition, limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<AuditRecord>(item)), nextCursor: page.nextCursor };
  }
}
