import { ConflictError, type AgreementRecord, type AgreementRepository, type Change, type Page } from '@cx/domain';
import { Items } from './items.js';
import { inOrder, page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryAgreements implements AgreementRepository {
  /** Keyed `institution/id`; versions `institution/id/version`. */
  private readonly items = new Items<AgreementRecord>();
  private readonly versions = new Items<AgreementRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  async get(institution: string, id: string): Promise<AgreementRecord | undefined> {
    return this.items.get(`${institution}/${id}`);
  }

  async write(next: AgreementRecord, previous: AgreementRecord | undefined, alongside: Change[]): Promise<void> {
    const key = `${next.institution}/${next.id}`;
    const copy = structuredClone(next);
    const changes = [
      this.unit.change(
        'agreement',
        `agreement/${key}`,
        () => (previous ? this.items.peek(key)?.version === previous.version : !this.items.has(key)),
        () => this.items.set(key, copy),
      ),
    ];
    if (!previous || previous.version !== next.version) {
      const versionKey = `${key}/${next.version}`;
      changes.push(this.unit.change('agreement-version', `agreement-version/${versionKey}`, () => !this.versions.has(versionKey), () => this.versions.set(versionKey, copy)));
    }
    await this.unit.commit([...changes, ...alongside], (index) =>
      index <= 1 ? new ConflictError(`agreement ${next.institution}/${next.id} was changed by another request; read it again and retry`) : undefined,
    );
  }

  async list(filter: { institution?: string; partner?: string }, limit: number, cursor?: string): Promise<Page<AgreementRecord>> {
    const listed = this.items
      .values()
      .filter((agreement) => (filter.partner === undefined || agreement.partner === filter.partner) && (!filter.institution || agreement.institution === filter.institution));
    const listing = `agreements/${filter.partner === undefined ? '' : `partner:${filter.partner}`}/${filter.institution || ''}`;
    return page(listing, listed.map((item) => ({ sortKey: `${item.institution}#${item.id}`, item })), limit, cursor);
  }

  async between(institution: string, partner: string): Promise<AgreementRecord[]> {
    const listed = this.items.values().filter((agreement) => agreement.institution === institution && agreement.partner === partner);
    return inOrder(listed.map((item) => ({ sortKey: `${item.institution}#${item.id}`, item })));
  }
}
