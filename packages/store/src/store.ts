import { Institutions } from './institutions.js';
import { ApiKeys } from './api-keys.js';
import { AuditLog } from './audit-log.js';
import { Settings } from './settings.js';
import { Catalogue } from './catalogue.js';
import { Table, type TableOptions } from './table.js';

/** Every repository of the exchange, over one table. Made once per process. */
export class Store {
  readonly table: Table;
  readonly institutions: Institutions;
  readonly apiKeys: ApiKeys;
  readonly audit: AuditLog;
  readonly settings: Settings;
  readonly catalogue: Catalogue;

  constructor(options: TableOptions | Table) {
    this.table = options instanceof Table ? options : new Table(options);
    this.institutions = new Institutions(this.table);
    this.apiKeys = new ApiKeys(this.table);
    this.audit = new AuditLog(this.table);
    this.settings = new Settings(this.table);
    this.catalogue = new Catalogue(this.table);
  }
}
