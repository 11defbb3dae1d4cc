/**
 * Notices to students and their one state machine. A notice is in the queued index (gsi1)
 * only while `queued`: the first transition removes it, and none leads back, so the sweep
 * reads only what still waits. Claim notices are also listed by credential (gsi2).
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NoticeRecord, NoticeRepository, NoticeState, Page } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys, type IndexKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

type NoticeFields = Parameters<NoticeRepository['transition']>[3];

const { notice } = entities;

export class Notices implements NoticeRepository {
  constructor(private readonly table: Table) {}

  create(record: NoticeRecord): TableChange {
    const { institution, credentialId } = record;
    const indexes: IndexKeys = {
      ...(record.state === 'queued' ? notice.index('gsi1', record) : {}),
      ...(record.kind === 'claim' && institution && credentialId ? notice.index('gsi2', { ...record, institution, credentialId }) : {}),
    };
    return new TableChange(notice.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...notice.key(record), ...indexes, ...notice.metadata, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  async get(id: string, consistent = false): Promise<NoticeRecord | undefined> {
    const item = await this.table.get(notice.key({ id }), consistent);
    return item ? stripKeys<NoticeRecord>(item) : undefined;
  }

  /** One conditional update: of two senders taking the same notice, one gets it. */
  async transition(id: string, from: NoticeState[], to: NoticeState, fields: NoticeFields, claimedAt?: string): Promise<NoticeRecord | undefined> {
    // the queued index could not be rebuilt here (an update cannot join createdAt and id)
    if (to === 'queued') throw new TypeError('a notice never returns to queued');
    if (from.length === 0) return undefined;
    const given = Object.entries(fields).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = { ':to': to };
    const sets = ['#state = :to'];
    given.forEach(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    });
    from.forEach((state, i) => (values[`:from${i}`] = state));
    const conditions = [`#state IN (${from.map((_, i) => `:from${i}`).join(', ')})`];
    if (claimedAt !== undefined) {
      names['#claimedAt'] = 'claimedAt';
      values[':claimedAt'] = claimedAt;
      conditions.push('#claimedAt = :claimedAt');
    }
    const removed = ['gsi1pk', 'gsi1sk', ...(fields.claimedAt === undefined ? ['claimedAt'] : [])];
    try {
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: notice.key({ id }),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removed.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stripKeys<NoticeRecord>(out.Attributes!);
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  }

  /** Reads the queued index up to `before`: its sort keys start with createdAt. */
  async queuedBefore(before: string, limit: number): Promise<NoticeRecord[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pk': notice.indexPartition('gsi1', {}), ':before': before },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => stripKeys<NoticeRecord>(item));
  }

  async ofCredential(institution: string, credentialId: string, limit: number, cursor?: string): Promise<Page<NoticeRecord>> {
    const page = await this.table.page('gsi2', notice.indexPartition('gsi2', { institution, credentialId }), limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<NoticeRecord>(item)), nextCursor: page.nextCursor };
  }
}
