import type { ApiKeyRecord, ApiKeyRepository, KeyOwner, Page } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const ownerName = (owner: KeyOwner): string => (owner.kind === 'admin' ? '-admin' : owner.institutionId);
const { apiKey } = entities;

export class ApiKeys implements ApiKeyRepository {
  constructor(private readonly table: Table) {}

  /** A change that stores a new key. */
  create(record: Omit<ApiKeyRecord, 'status'>): TableChange {
    return new TableChange(apiKey.name, {
      Put: {
        TableName: this.table.name,
        Item: {
          ...apiKey.key(record),
          ...apiKey.index('gsi1', { owner: ownerName(record.owner), keyId: record.keyId }),
          ...apiKey.metadata,
          ...record,
          status: 'active',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  /** Strongly consistent, so a revoked key stops working at once. */
  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    const item = await this.table.get(apiKey.key({ keyId }), true);
    return item ? stripKeys<ApiKeyRecord>(item) : undefined;
  }

  async list(owner: KeyOwner, limit: number, cursor?: string): Promise<Page<Omit<ApiKeyRecord, 'secretHash'>>> {
    const partition = apiKey.indexPartition('gsi1', { owner: ownerName(owner) });
    const page = await this.table.page('gsi1', partition, limit, cursor);
    return {
      items: page.items.map((item) => {
        const { secretHash: _hidden, ...rest } = stripKeys<ApiKeyRecord>(item);
        return rest;
      }),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * The ids of every key of `owner` that still works. Read from the owner index, which is
   * eventually consistent: a key made in the last moment may be missing.
   */
  async activeIds(owner: KeyOwner): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(owner, 100, cursor);
      ids.push(...page.items.filter((key) => key.status === 'active').map((key) => key.keyId));
      cursor = page.nextCursor;
    } while (cursor);
    return ids;
  }

  /** A change that revokes a key of `owner`; its condition fails when the key is not theirs or already revoked. */
  revoke(owner: KeyOwner, keyId: string, at: string): TableChange {
    return new TableChange(apiKey.name, {
      Update: {
        TableName: this.table.name,
        Key: apiKey.key({ keyId }),
        UpdateExpression: 'SET #status = :revoked, revokedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND gsi1pk = :owner AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':revoked': 'revoked',
          ':active': 'active',
          ':at': at,
          ':owner': apiKey.indexPartition('gsi1', { owner: ownerName(owner) }),
        },
      },
    });
  }
}
