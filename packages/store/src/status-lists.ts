/**
 * Bitstring status lists. Each credential gets one index, allocated at random and never
 * reused (an index item per allocation makes that atomic, without a hot counter), or taken
 * from a block of 128 indexes a graduation-run chunk reserved with one item: an index claim
 * checks that its block is not reserved, and a reservation reads (consistently, after it
 * is written) which of its indexes were claimed alone before, so no index is handed out twice.
 * A list item holds the current bits and the signed list credential, so reading a list
 * never signs and a change is visible as soon as it is written.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, STATUS_BLOCK_SIZE, statusBlockOf, type StatusListRecord, type StatusListRepository } from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { statusListPointer, statusList, statusIndex, statusBlock } = entities;

export class StatusLists implements StatusListRepository {
  constructor(private readonly table: Table) {}

  async currentListNumber(institution: string): Promise<number> {
    const item = await this.table.get<{ current: number }>(statusListPointer.key({ institution }), true);
    return item?.current ?? 1;
  }

  /** Moves new allocations to the next list, unless another request already did. */
  async advance(institution: string, from: number): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: statusListPointer.key({ institution }),
          UpdateExpression: 'SET #current = :next',
          ConditionExpression: 'attribute_not_exists(#current) OR #current = :from',
          ExpressionAttributeNames: { '#current': 'current' },
          ExpressionAttributeValues: { ':next': from + 1, ':from': from },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** Claims one index of a list for a credential; false when it was taken, alone or in a reserved block. */
  async claimIndex(institution: string, listNumber: number, index: number, credentialId: string, at: string): Promise<boolean> {
    try {
      // one write request still: the block check rides in the same transaction
      await this.table.transact([
        {
          Put: {
            TableName: this.table.name,
            Item: { ...statusIndex.key({ institution, listNumber, index }), ...statusIndex.metadata, credentialId, at },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          ConditionCheck: {
            TableName: this.table.name,
            Key: statusBlock.key({ institution, listNumber, block: statusBlockOf(index) }),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /**
   * Reserves a block (one conditional put), then reads which of its indexes were claimed
   * alone before: a claim made after the reservation fails on its block check, so a
   * consistent read made after the put sees every claim that succeeded.
   */
  async reserveBlock(institution: string, listNumber: number, block: number, owner: string, at: string): Promise<number[] | undefined> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...statusBlock.key({ institution, listNumber, block }), ...statusBlock.metadata, owner, at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
    const indexes = Array.from({ length: STATUS_BLOCK_SIZE }, (_, i) => block * STATUS_BLOCK_SIZE + i);
    const claimed = await this.table.getMany(
      indexes.map((index) => statusIndex.key({ institution, listNumber, index })),
      true,
    );
    const taken = new Set(claimed.map((item) => Number(String(item.pk).split('#').at(-1))));
    return indexes.filter((index) => !taken.has(index));
  }

  async get(institution: string, listId: string, consistent = false): Promise<StatusListRecord | undefined> {
    const item = await this.table.get(statusList.key({ institution, listId }), consistent);
    if (!item) return undefined;
    const record = stripKeys<StatusListRecord & { credential: unknown }>(item);
    return typeof record.credential === 'string' ? { ...record, credential: JSON.parse(record.credential) as Record<string, unknown> } : record;
  }

  /** Stores a list for the first time; false if another request stored it first. */
  async create(record: StatusListRecord): Promise<boolean> {
    try {
      await this.table.commit([this.put(record, undefined)]);
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** A change replacing a list read at `previousRevision` (undefined: the list must not exist yet). */
  put(record: StatusListRecord, previousRevision: number | undefined): TableChange {
    return new TableChange(statusList.name, {
      Put: {
        TableName: this.table.name,
        // the signed list as JSON text: a DynamoDB map would not keep the order of its members
        Item: { ...statusList.key(record), ...statusList.metadata, ...record, credential: JSON.stringify(record.credential) },
        ...(previousRevision === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': previousRevision } }),
      },
    });
  }
}
