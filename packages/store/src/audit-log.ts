import { randomUUID } from 'node:crypto';
import type { AuditRecord, Page } from '@cx/domain';
import { keys, stripKeys } from './keys.js';
import { PAGE_KEYS, type Table, type TransactItem } from './table.js';

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
      ? await this.table.page<Record<string, unknown>>(
          {
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.auditPartition(filter.institution) },
            ScanIndexForward: false,
          },
          { attribute: 'pk', value: keys.auditPartition(filter.institution) },
          limit,
          cursor,
          [...PAGE_KEYS.table],
        )
      : await this.table.page<Record<string, unknown>>(
          {
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.auditAllPartition },
            ScanIndexForward: false,
          },
          { attribute: 'gsi1pk', value: keys.auditAllPartition },
          limit,
          cursor,
          [...PAGE_KEYS.gsi1],
        );
    return { items: page.items.map((item) => stripKeys<AuditRecord>(item)), nextCursor: page.nextCursor };
  }
}
