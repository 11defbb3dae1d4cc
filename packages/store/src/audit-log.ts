import { randomUUID } from 'node:crypto';
import type { AuditRecord, AuditRepository, Page } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

/** The partition of the records that concern no one institution. */
const CONSORTIUM_WIDE = '-';

/** The audit log. Records are written in the same transaction as the change they describe. */
export class AuditLog implements AuditRepository {
  constructor(private readonly table: Table) {}

  /** A change that records `entry`; commit it with the change's own writes. */
  entry(entry: Omit<AuditRecord, 'id'> & { id?: string }): TableChange {
    const record: AuditRecord = { ...entry, id: entry.id ?? randomUUID() };
    const { audit } = entities;
    return new TableChange(audit.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...audit.key({ ...record, institution: record.institution ?? CONSORTIUM_WIDE }), ...audit.index('gsi1', record), ...audit.metadata, ...record },
      },
    });
  }

  /** Newest first; all records, or those of one institution. */
  async list(filter: { institution?: string }, limit: number, cursor?: string): Promise<Page<AuditRecord>> {
    const page = filter.institution
      ? await this.table.page(undefined, entities.audit.partition({ institution: filter.institution }), limit, cursor, { newestFirst: true })
      : await this.table.page('gsi1', entities.audit.indexPartition('gsi1', {}), limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<AuditRecord>(item)), nextCursor: page.nextCursor };
  }
}
