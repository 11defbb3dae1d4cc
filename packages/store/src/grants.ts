/**
 * Wallet grants (VC API exchanges and their outcome, OpenID4VCI codes, tokens and nonces)
 * by kind and the hash of their secret. They expire by TTL, which deletes late: callers
 * judge `expiresAt`.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { GrantKind, GrantOf, GrantRecord, GrantRepository } from '@cx/domain';
import { entities } from './entities.js';
import { expiringAttributes, fromExpiringItem } from './expiring-items.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { grant } = entities;

export class Grants implements GrantRepository {
  constructor(private readonly table: Table) {}

  /** A hash names one grant of a kind only: a second one is refused. */
  create(record: GrantRecord): TableChange {
    return new TableChange(grant.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...grant.key(record), ...grant.metadata, ...expiringAttributes(record) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  /** Strongly consistent: a wallet may answer an exchange the moment its page made it. */
  async get<K extends GrantKind>(kind: K, hash: string): Promise<GrantOf<K> | undefined> {
    const item = await this.table.get(grant.key({ kind, hash }), true);
    return item ? fromExpiringItem<GrantOf<K>>(item) : undefined;
  }

  /** One delete that answers what it deleted: of two concurrent uses, only one gets the record. */
  async consume<K extends GrantKind>(kind: K, hash: string): Promise<GrantOf<K> | undefined> {
    try {
      const out = await this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: grant.key({ kind, hash }), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
      );
      return out.Attributes ? fromExpiringItem<GrantOf<K>>(out.Attributes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }
}
