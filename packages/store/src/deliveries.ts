/**
 * Deliveries (a credential issued to an email address, and its current claim link) and
 * the claim links themselves, by token hash. A replaced link keeps its claim item, so it
 * is found and answers "expired" rather than "unknown", until TTL removes it a while after
 * its expiry.
 */
import type { ClaimRecord, DeliveryRecord, DeliveryRepository, Page } from '@cx/domain';
import { entities } from './entities.js';
import { expiringAttributes, fromExpiringItem } from './expiring-items.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const { delivery, claim } = entities;

/** How long a claim item outlives its link: long enough to tell a student "expired". */
const CLAIM_KEPT_SECONDS = 30 * 24 * 3600;

export class Deliveries implements DeliveryRepository {
  constructor(private readonly table: Table) {}

  /** The delivery and its first claim link: commit them with the credential. */
  create(record: DeliveryRecord): TableChange[] {
    return [
      new TableChange(delivery.name, {
        Put: {
          TableName: this.table.name,
          Item: { ...delivery.key(record), ...delivery.index('gsi1', record), ...delivery.metadata, ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      }),
      this.putClaim({ tokenHash: record.claimTokenHash, institution: record.institution, credentialId: record.credentialId, createdAt: record.updatedAt, expiresAt: record.claimExpiresAt }),
    ];
  }

  async get(institution: string, credentialId: string, consistent = false): Promise<DeliveryRecord | undefined> {
    const item = await this.table.get(delivery.key({ institution, credentialId }), consistent);
    return item ? stripKeys<DeliveryRecord>(item) : undefined;
  }

  async claim(tokenHash: string): Promise<ClaimRecord | undefined> {
    const item = await this.table.get(claim.key({ tokenHash }), true);
    return item ? fromExpiringItem<ClaimRecord>(item) : undefined;
  }

  replaceClaim(current: DeliveryRecord, next: { claimTokenHash: string; claimExpiresAt: string; lastNoticeId?: string; at: string }): TableChange[] {
    const notice = next.lastNoticeId === undefined ? '' : ', lastNoticeId = :notice';
    return [
      new TableChange(delivery.name, {
        Update: {
          TableName: this.table.name,
          Key: delivery.key(current),
          UpdateExpression: `SET claimTokenHash = :hash, claimExpiresAt = :expires, updatedAt = :at, revision = :next${notice}`,
          ConditionExpression: 'revision = :read',
          ExpressionAttributeValues: {
            ':hash': next.claimTokenHash,
            ':expires': next.claimExpiresAt,
            ':at': next.at,
            ':next': current.revision + 1,
            ':read': current.revision,
            ...(next.lastNoticeId === undefined ? {} : { ':notice': next.lastNoticeId }),
          },
        },
      }),
      this.putClaim({ tokenHash: next.claimTokenHash, institution: current.institution, credentialId: current.credentialId, createdAt: next.at, expiresAt: next.claimExpiresAt }),
    ];
  }

  async heldBy(emailHash: string, limit: number, cursor?: string): Promise<Page<DeliveryRecord>> {
    const page = await this.table.page('gsi1', delivery.indexPartition('gsi1', { emailHash }), limit, cursor, { newestFirst: true });
    return { items: page.items.map((item) => stripKeys<DeliveryRecord>(item)), nextCursor: page.nextCursor };
  }

  /** A token hash names one link only: a second link with the same hash is refused. */
  private putClaim(record: ClaimRecord): TableChange {
    return new TableChange(claim.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...claim.key(record), ...claim.metadata, ...expiringAttributes(record, CLAIM_KEPT_SECONDS) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
}
