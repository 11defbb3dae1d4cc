/**
 * Transfers (a student's credentials submitted to a receiving institution), the
 * recognitions they produce, and per-client rate windows for keyless submissions.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, RecognisedComponentRecord, RecognitionRecord, TransferRecord, TransferRepository } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TTL_ATTRIBUTE } from './table-definition.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { transfer, recognition, rateWindow } = entities;

export class Transfers implements TransferRepository {
  constructor(private readonly table: Table) {}

  async get(id: string, consistent = false): Promise<TransferRecord | undefined> {
    const item = await this.table.get(transfer.key({ id }), consistent);
    return item ? stripKeys<TransferRecord>(item) : undefined;
  }

  /** A put of the whole transfer, conditional on the revision the caller read (none for a new one). */
  put(record: TransferRecord, previousRevision?: number): TableChange {
    const { studentEmailHash } = record;
    return new TableChange(transfer.name, {
      Put: {
        TableName: this.table.name,
        Item: {
          ...transfer.key(record),
          ...transfer.index('gsi1', record),
          ...transfer.index('gsi2', record),
          ...(studentEmailHash ? transfer.index('gsi3', { ...record, studentEmailHash }) : {}),
          ...transfer.metadata,
          ...record,
        },
        ...(previousRevision === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': previousRevision } }),
      },
    });
  }

  async list(institution: string, status: string | undefined, limit: number, cursor?: string): Promise<Page<TransferRecord>> {
    const [index, partition] = status
      ? (['gsi1', transfer.indexPartition('gsi1', { institution, status })] as const)
      : (['gsi2', transfer.indexPartition('gsi2', { institution })] as const);
    const page = await this.table.page(index, partition, limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<TransferRecord>(item)), nextCursor: page.nextCursor };
  }

  async listByStudent(emailHash: string, limit: number, cursor?: string): Promise<Page<TransferRecord>> {
    const page = await this.table.page('gsi3', transfer.indexPartition('gsi3', { studentEmailHash: emailHash }), limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<TransferRecord>(item)), nextCursor: page.nextCursor };
  }

  async recognition(institution: string, credentialId: string): Promise<RecognitionRecord | undefined> {
    const item = await this.table.get(recognition.key({ institution, credentialId }), true);
    return item ? stripKeys<RecognitionRecord>(item) : undefined;
  }

  /** Records a recognition; the condition makes a credential count once per institution. */
  recognise(record: RecognitionRecord): TableChange {
    const { emailHash, did } = record;
    return new TableChange(recognition.name, {
      Put: {
        TableName: this.table.name,
        Item: {
          ...recognition.key(record),
          ...(emailHash ? recognition.index('gsi1', { ...record, emailHash }) : {}),
          ...(did ? recognition.index('gsi2', { ...record, did }) : {}),
          ...recognition.metadata,
          ...record,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  /** Components recognised for a student at an institution (micro-degree stacking). */
  async recognitionsOf(institution: string, student: { email?: string; emailHash?: string; did?: string }): Promise<RecognisedComponentRecord[]> {
    const found = new Map<string, RecognisedComponentRecord>();
    const lookups: Array<['gsi1' | 'gsi2', string]> = [];
    if (student.emailHash) lookups.push(['gsi1', recognition.indexPartition('gsi1', { institution, emailHash: student.emailHash })]);
    if (student.did) lookups.push(['gsi2', recognition.indexPartition('gsi2', { institution, did: student.did })]);
    for (const [index, partition] of lookups) {
      for (const item of await this.table.queryPartition(index, partition)) {
        const record = stripKeys<RecognitionRecord>(item);
        // only components stack; other recognised credentials count for their ECTS in the transfer alone
        if (record.component) found.set(record.credentialId, record as RecognisedComponentRecord);
      }
    }
    return [...found.values()];
  }

  /** Counts one request of `client` in the current fixed window; false once it is over `limit`. */
  async withinRate(scope: string, client: string, limit: number, windowSeconds: number, now: Date): Promise<boolean> {
    const window = Math.floor(now.getTime() / 1000 / windowSeconds);
    const out = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: rateWindow.key({ scope, client, window }),
        UpdateExpression: 'ADD #count :one SET #ttl = if_not_exists(#ttl, :ttl), entity = :entity',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':one': 1, ':ttl': (window + 2) * windowSeconds, ':entity': rateWindow.model.entity },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return ((out.Attributes?.count as number | undefined) ?? 1) <= limit;
  }
}
