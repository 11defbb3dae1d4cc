import { ConflictError, type Change, type InstitutionRecord, type InstitutionRepository, type Page, type StoredInstitution } from '@cx/domain';
import { Items } from './items.js';
import { page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryInstitutions implements InstitutionRepository {
  private readonly items = new Items<StoredInstitution>();

  constructor(private readonly unit: UnitOfWork) {}

  async get(id: string): Promise<StoredInstitution | undefined> {
    return this.items.get(id);
  }

  async list(limit: number, cursor?: string): Promise<Page<StoredInstitution>> {
    return page('members', this.items.values().map((item) => ({ sortKey: `INST#${item.id}`, item })), limit, cursor);
  }

  async create(record: InstitutionRecord, alongside: Change[]): Promise<StoredInstitution> {
    const stored: StoredInstitution = { ...record, revision: 1 };
    await this.unit.commit([this.put(stored, () => !this.items.has(stored.id)), ...alongside], (index) =>
      index === 0 ? new ConflictError(`institution ${record.id} already exists`) : undefined,
    );
    return structuredClone(stored);
  }

  async update(current: StoredInstitution, next: InstitutionRecord, alongside: Change[]): Promise<StoredInstitution> {
    const stored: StoredInstitution = { ...next, revision: current.revision + 1 };
    await this.unit.commit([this.put(stored, () => this.items.peek(stored.id)?.revision === current.revision), ...alongside], (index) =>
      index === 0 ? new ConflictError(`institution ${current.id} was changed concurrently; retry`) : undefined,
    );
    return structuredClone(stored);
  }

  private put(record: StoredInstitution, holds: () => boolean): Change {
    const copy = structuredClone(record);
    return this.unit.change('institution', `institution/${record.id}`, holds, () => this.items.set(record.id, copy));
  }
}
