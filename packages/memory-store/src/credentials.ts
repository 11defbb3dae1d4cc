import type { CatalogueKind, Change, CredentialRecord, CredentialRepository, CredentialStatus, Page, RecipientLookup, StoredEntry, StoredInstitution } from '@cx/domain';
import { Items } from './items.js';
import { inOrder, page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

function isFor(record: CredentialRecord, lookup: RecipientLookup): boolean {
  switch (lookup.kind) {
    case 'email':
      return Boolean(record.emailHash) && record.emailHash === lookup.emailHash;
    case 'did':
      return Boolean(record.recipient.did) && record.recipient.did === lookup.did;
    case 'sid':
      return Boolean(record.recipient.studentId) && record.recipient.studentId === lookup.studentId;
  }
}

const lookupName = (lookup: RecipientLookup) => (lookup.kind === 'email' ? lookup.emailHash : lookup.kind === 'did' ? lookup.did : lookup.studentId);

export class MemoryCredentials implements CredentialRepository {
  /** Keyed `institution/id`. */
  private readonly items = new Items<CredentialRecord>();

  constructor(
    private readonly unit: UnitOfWork,
    /** The other repositories issuingBasis reads from. */
    private readonly reads: {
      institution: (id: string) => Promise<StoredInstitution | undefined>;
      head: <K extends CatalogueKind>(kind: K, institution: string, code: string) => Promise<StoredEntry<K> | undefined>;
    },
  ) {}

  async issuingBasis<K extends CatalogueKind>(institution: string, kind: K, code: string): Promise<{ institution?: StoredInstitution; head?: StoredEntry<K> }> {
    const [member, head] = await Promise.all([this.reads.institution(institution), this.reads.head(kind, institution, code)]);
    return { ...(member ? { institution: member } : {}), ...(head ? { head } : {}) };
  }

  create(record: CredentialRecord): Change {
    const key = `${record.institution}/${record.id}`;
    const copy = structuredClone(record);
    return this.unit.change('credential', `credential/${key}`, () => !this.items.has(key), () => this.items.set(key, copy));
  }

  async get(institution: string, id: string): Promise<CredentialRecord | undefined> {
    return this.items.get(`${institution}/${id}`);
  }

  async listByRecipient(institution: string, lookup: RecipientLookup, limit: number, cursor?: string): Promise<Page<CredentialRecord>> {
    return page(`credentials/${institution}/${lookup.kind}/${lookupName(lookup)}`, this.sortedFor(institution, lookup), limit, cursor, { newestFirst: true });
  }

  async allForRecipient(institution: string, lookup: RecipientLookup): Promise<CredentialRecord[]> {
    return inOrder(this.sortedFor(institution, lookup));
  }

  setStatus(institution: string, id: string, from: CredentialStatus, to: CredentialStatus, reason: string, at: string): Change {
    const key = `${institution}/${id}`;
    return this.unit.change(
      'credential',
      `credential/${key}`,
      () => this.items.peek(key)?.status === from,
      () => this.items.set(key, { ...this.items.peek(key)!, status: to, statusReason: reason, statusChangedAt: at }),
    );
  }

  private sortedFor(institution: string, lookup: RecipientLookup) {
    return this.items
      .values()
      .filter((record) => record.institution === institution && isFor(record, lookup))
      .map((item) => ({ sortKey: `${item.issuedAt}#${item.id}`, item }));
  }
}
