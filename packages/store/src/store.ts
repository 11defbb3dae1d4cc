import type { Change, OnConflict, Persistence } from '@cx/domain';
import { Institutions } from './institutions.js';
import { ApiKeys } from './api-keys.js';
import { AuditLog } from './audit-log.js';
import { Settings } from './settings.js';
import { Catalogue } from './catalogue.js';
import { Credentials } from './credentials.js';
import { StatusLists } from './status-lists.js';
import { Idempotency } from './idempotency.js';
import { Batches } from './batches.js';
import { Agreements } from './agreements.js';
import { Transfers } from './transfers.js';
import { Deliveries } from './deliveries.js';
import { Notices } from './notices.js';
import { Shares } from './shares.js';
import { Sessions } from './sessions.js';
import { Grants } from './grants.js';
import { Copies } from './copies.js';
import { Table, type TableOptions } from './table.js';

/**
 * The persistence port on DynamoDB: every repository of the exchange over one table, and
 * the unit of work that writes their changes in one transaction. Made once per process.
 */
export class Store implements Persistence {
  /** For adapter-level callers (the local exchange, runtimes, tests); core never needs it. */
  readonly table: Table;
  readonly institutions: Institutions;
  readonly apiKeys: ApiKeys;
  readonly audit: AuditLog;
  readonly settings: Settings;
  readonly catalogue: Catalogue;
  readonly credentials: Credentials;
  readonly statusLists: StatusLists;
  readonly idempotency: Idempotency;
  readonly batches: Batches;
  readonly agreements: Agreements;
  readonly transfers: Transfers;
  readonly deliveries: Deliveries;
  readonly notices: Notices;
  readonly shares: Shares;
  readonly sessions: Sessions;
  readonly grants: Grants;
  readonly copies: Copies;

  constructor(options: TableOptions | Table) {
    this.table = options instanceof Table ? options : new Table(options);
    this.institutions = new Institutions(this.table);
    this.apiKeys = new ApiKeys(this.table);
    this.audit = new AuditLog(this.table);
    this.settings = new Settings(this.table);
    this.catalogue = new Catalogue(this.table);
    this.credentials = new Credentials(this.table);
    this.statusLists = new StatusLists(this.table);
    this.idempotency = new Idempotency(this.table);
    this.batches = new Batches(this.table);
    this.agreements = new Agreements(this.table);
    this.transfers = new Transfers(this.table);
    this.deliveries = new Deliveries(this.table);
    this.notices = new Notices(this.table);
    this.shares = new Shares(this.table);
    this.sessions = new Sessions(this.table);
    this.grants = new Grants(this.table);
    this.copies = new Copies(this.table);
  }

  async commit(changes: Change[], onConflict?: OnConflict): Promise<void> {
    return this.table.commit(changes, onConflict);
  }
}
