/**
 * Deliveries and their claim links, as the DynamoDB adapter keeps them: a delivery per
 * credential, a claim record per link ever made (a replaced link is still found, so that it
 * can answer "expired" rather than "unknown"), and holdings listed across institutions.
 */
import type { Change, ClaimRecord, DeliveryRecord, DeliveryRepository, Page } from '@cx/domain';
import { Items } from './items.js';
import { page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryDeliveries implements DeliveryRepository {
  /** Keyed `institution/credentialId`. */
  private readonly items = new Items<DeliveryRecord>();
  /** Keyed by token hash. */
  private readonly claims = new Items<ClaimRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  create(delivery: DeliveryRecord): Change[] {
    const key = `${delivery.institution}/${delivery.credentialId}`;
    const copy = structuredClone(delivery);
    return [
      this.unit.change('delivery', `delivery/${key}`, () => !this.items.has(key), () => this.items.set(key, copy)),
      this.claimChange(claimOf(delivery, delivery.claimTokenHash, delivery.updatedAt, delivery.claimExpiresAt)),
    ];
  }

  async get(institution: string, credentialId: string): Promise<DeliveryRecord | undefined> {
    return this.items.get(`${institution}/${credentialId}`);
  }

  async claim(tokenHash: string): Promise<ClaimRecord | undefined> {
    return this.claims.get(tokenHash);
  }

  replaceClaim(current: DeliveryRecord, next: { claimTokenHash: string; claimExpiresAt: string; lastNoticeId?: string; at: string }): Change[] {
    const key = `${current.institution}/${current.credentialId}`;
    return [
      this.unit.change(
        'delivery',
        `delivery/${key}`,
        () => this.items.peek(key)?.revision === current.revision,
        () => {
          const stored = this.items.peek(key)!;
          this.items.set(key, {
            ...stored,
            claimTokenHash: next.claimTokenHash,
            claimExpiresAt: next.claimExpiresAt,
            lastNoticeId: next.lastNoticeId ?? stored.lastNoticeId,
            revision: stored.revision + 1,
            updatedAt: next.at,
          });
        },
      ),
      this.claimChange(claimOf(current, next.claimTokenHash, next.at, next.claimExpiresAt)),
    ];
  }

  async heldBy(emailHash: string, limit: number, cursor?: string): Promise<Page<DeliveryRecord>> {
    const held = this.items.values().filter((delivery) => delivery.emailHash === emailHash);
    const sorted = held.map((item) => ({ sortKey: `${item.issuedAt}#${item.institution}#${item.credentialId}`, item }));
    return page(`held/${emailHash}`, sorted, limit, cursor, { newestFirst: true });
  }

  /** A token hash names one link only: a second link with the same hash is refused. */
  private claimChange(claim: ClaimRecord): Change {
    return this.unit.change('claim', `claim/${claim.tokenHash}`, () => !this.claims.has(claim.tokenHash), () => this.claims.set(claim.tokenHash, claim));
  }
}

function claimOf(delivery: DeliveryRecord, tokenHash: string, createdAt: string, expiresAt: string): ClaimRecord {
  return { tokenHash, institution: delivery.institution, credentialId: delivery.credentialId, createdAt, expiresAt };
}
