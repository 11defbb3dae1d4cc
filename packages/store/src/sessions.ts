/**
 * Sign-in links of `/my` and the sessions they open, by the hash of their token. Both
 * expire by TTL, which deletes late: callers judge `expiresAt`.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionRecord, SessionRepository, SignInRecord } from '@cx/domain';
import { entities } from './entities.js';
import { expiringAttributes, fromExpiringItem } from './expiring-items.js';
import type { Table } from './table.js';

const { signIn, session } = entities;

export class Sessions implements SessionRepository {
  constructor(private readonly table: Table) {}

  async createSignIn(record: SignInRecord): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: { ...signIn.key(record), ...signIn.metadata, ...expiringAttributes(record) } }));
  }

  /** One delete that answers what it deleted: of two concurrent uses, only one gets the record. */
  async consumeSignIn(tokenHash: string): Promise<SignInRecord | undefined> {
    try {
      const out = await this.table.doc.send(
        new DeleteCommand({ TableName: this.table.name, Key: signIn.key({ tokenHash }), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
      );
      return out.Attributes ? fromExpiringItem<SignInRecord>(out.Attributes) : undefined;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  async create(record: SessionRecord): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.name, Item: { ...session.key(record), ...session.index('gsi1', record), ...session.metadata, ...expiringAttributes(record) } }),
    );
  }

  /** Strongly consistent, so an ended session stops working at once. */
  async get(idHash: string): Promise<SessionRecord | undefined> {
    const item = await this.table.get(session.key({ idHash }), true);
    return item ? fromExpiringItem<SessionRecord>(item) : undefined;
  }

  async end(idHash: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: session.key({ idHash }) }));
  }

  /**
   * Deletes every session the address index lists (all its pages), counting those that
   * were still there. The index is eventually consistent: a session opened a moment ago may
   * be missed.
   */
  async endAll(emailHash: string): Promise<number> {
    const listed = await this.table.queryPartition('gsi1', session.indexPartition('gsi1', { emailHash }), { attributes: ['idHash'] });
    let ended = 0;
    for (const { idHash } of listed) {
      const out = await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: session.key({ idHash: idHash as string }), ReturnValues: 'ALL_OLD' }));
      if (out.Attributes) ended++;
    }
    return ended;
  }
}
