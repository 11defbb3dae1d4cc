/** Public links to a credential, made and withdrawn by its student. */
import type { Page, ShareRecord, ShareRepository } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { share } = entities;

export class Shares implements ShareRepository {
  constructor(private readonly table: Table) {}

  create(record: ShareRecord): TableChange {
    return new TableChange(share.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...share.key(record), ...share.index('gsi1', record), ...share.metadata, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  async get(id: string, consistent = false): Promise<ShareRecord | undefined> {
    const item = await this.table.get(share.key({ id }), consistent);
    return item ? stripKeys<ShareRecord>(item) : undefined;
  }

  /** A missing share fails the condition too: it has no emailHash. */
  withdraw(id: string, emailHash: string, at: string): TableChange {
    return new TableChange(share.name, {
      Update: {
        TableName: this.table.name,
        Key: share.key({ id }),
        UpdateExpression: 'SET withdrawnAt = :at',
        ConditionExpression: 'emailHash = :emailHash AND attribute_not_exists(withdrawnAt)',
        ExpressionAttributeValues: { ':at': at, ':emailHash': emailHash },
      },
    });
  }

  async listBy(emailHash: string, limit: number, cursor?: string): Promise<Page<ShareRecord>> {
    const page = await this.table.page('gsi1', share.indexPartition('gsi1', { emailHash }), limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<ShareRecord>(item)), nextCursor: page.nextCursor };
  }
}
