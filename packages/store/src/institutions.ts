import {
  ConflictError,
  type Change,
  type InstitutionRecord,
  type InstitutionRepository,
  type Page,
  type StoredInstitution,
} from '@cx/domain';
import { entities } from './entities.js';
import { stripKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

export class Institutions implements InstitutionRepository {
  constructor(private readonly table: Table) {}

  async get(id: string, consistent = false): Promise<StoredInstitution | undefined> {
    const item = await this.table.get(entities.institution.key({ id }), consistent);
    return item ? stripKeys<StoredInstitution>(item) : undefined;
  }

  /** The member list, in id order. */
  async list(limit: number, cursor?: string): Promise<Page<StoredInstitution>> {
    const page = await this.table.page('gsi1', entities.institution.indexPartition('gsi1', {}), limit, cursor);
    return { items: page.items.map((item) => stripKeys<StoredInstitution>(item)), nextCursor: page.nextCursor };
  }

  /** Stores a new institution together with `alongside` (its first API key, the audit record), or nothing. */
  async create(record: InstitutionRecord, alongside: Change[]): Promise<StoredInstitution> {
    const stored: StoredInstitution = { ...record, revision: 1 };
    await this.table.commit([this.put(stored, 'attribute_not_exists(pk)'), ...alongside], (index) =>
      index === 0 ? new ConflictError(`institution ${record.id} already exists`) : undefined,
    );
    return stored;
  }

  /**
   * Replaces an institution read at `current.revision`; fails with 409 when someone else
   * changed it in between, so concurrent admin actions never overwrite each other.
   */
  async update(current: StoredInstitution, next: InstitutionRecord, alongside: Change[]): Promise<StoredInstitution> {
    const stored: StoredInstitution = { ...next, revision: current.revision + 1 };
    await this.table.commit(
      [this.put(stored, 'revision = :revision', { ':revision': current.revision }), ...alongside],
      (index) => (index === 0 ? new ConflictError(`institution ${current.id} was changed concurrently; retry`) : undefined),
    );
    return stored;
  }

  private put(record: StoredInstitution, condition: string, values?: Record<string, unknown>): TableChange {
    const { institution } = entities;
    return new TableChange(institution.name, {
      Put: {
        TableName: this.table.name,
        Item: { ...institution.key(record), ...institution.index('gsi1', record), ...institution.metadata, ...record },
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      },
    });
  }
}
