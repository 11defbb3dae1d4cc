/** Holder copies: a credential re-issued to the DID a wallet proved, listed under their original. */
import type { CopyRecord, CopyRepository, Page } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { copy } = entities;

/** The signed copy is stored as its JSON text, as credentials.ts stores a credential: a map would lose its member order. */
function fromItem(item: Record<string, unknown>): CopyRecord {
  const record = stripKeys<Omit<CopyRecord, 'credential'> & { credential: string }>(item);
  return { ...record, credential: JSON.parse(record.credential) as Record<string, unknown> };
}

export class Copies implements CopyRepository {
  constructor(private readonly table: Table) {}

  create(record: CopyRecord): TableChange {
    return new TableChange(copy.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...copy.key(record), ...copy.index('gsi1', record), ...copy.metadata, ...record, credential: JSON.stringify(record.credential) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  async ofCredential(institution: string, originalId: string, limit: number, cursor?: string): Promise<Page<CopyRecord>> {
    const page = await this.table.page('gsi1', copy.indexPartition('gsi1', { institution, originalId }), limit, cursor, { newestFirst: true });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }
}
