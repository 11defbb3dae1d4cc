import type { Change, OnConflict, Persistence } from '@cx/domain';
import { MemoryAgreements } from './agreements.js';
import { MemoryApiKeys } from './api-keys.js';
import { MemoryAudit } from './audit.js';
import { MemoryBatches } from './batches.js';
import { MemoryCatalogue } from './catalogue.js';
import { MemoryCopies } from './copies.js';
import { MemoryCredentials } from './credentials.js';
import { MemoryDeliveries } from './deliveries.js';
import { MemoryGrants } from './grants.js';
import { MemoryIdempotency } from './idempotency.js';
import { MemoryInstitutions } from './institutions.js';
import { MemoryNotices } from './notices.js';
import { MemorySessions } from './sessions.js';
import { MemorySettings } from './settings.js';
import { MemoryShares } from './shares.js';
import { MemoryStatusLists } from './status-lists.js';
import { MemoryTransfers } from './transfers.js';
import { UnitOfWork } from './unit-of-work.js';

/**
 * Every repository of the exchange, held in this process's memory. Each instance starts
 * empty and shares nothing with another; commit takes only changes its own repositories made.
 *
 * @example
 * const persistence = new MemoryPersistence();
 * await persistence.commit([persistence.credentials.create(record), persistence.audit.entry(entry)]);
 */
export class MemoryPersistence implements Persistence {
  private readonly unit = new UnitOfWork();
  readonly institutions = new MemoryInstitutions(this.unit);
  readonly apiKeys = new MemoryApiKeys(this.unit);
  readonly audit = new MemoryAudit(this.unit);
  readonly settings = new MemorySettings();
  readonly catalogue = new MemoryCatalogue(this.unit);
  readonly credentials = new MemoryCredentials(this.unit, {
    institution: (id) => this.institutions.get(id),
    head: (kind, institution, code) => this.catalogue.head(kind, institution, code),
  });
  readonly statusLists = new MemoryStatusLists(this.unit);
  readonly idempotency = new MemoryIdempotency(this.unit);
  readonly batches = new MemoryBatches(this.unit);
  readonly agreements = new MemoryAgreements(this.unit);
  readonly transfers = new MemoryTransfers(this.unit);
  readonly deliveries = new MemoryDeliveries(this.unit);
  readonly notices = new MemoryNotices(this.unit);
  readonly shares = new MemoryShares(this.unit);
  readonly sessions = new MemorySessions();
  readonly grants = new MemoryGrants(this.unit);
  readonly copies = new MemoryCopies(this.unit);

  commit(changes: Change[], onConflict?: OnConflict): Promise<void> {
    return this.unit.commit(changes, onConflict);
  }
}
