/**
 * Issued credentials: the signed credential as issued, who it was issued to (private to
 * the issuing institution), what it was issued for, and its status.
 */
import type { CatalogueKind, CredentialRecord, CredentialRepository, CredentialStatus, Page, RecipientLookup, StoredEntry, StoredInstitution } from '@cx/domain';
import { catalogueEntities, entities } from './entities.js';
import { stripKeys, type IndexKeys } from './keys.js';
import { TableChange } from './table-change.js';
import type { Table } from './table.js';

const INDEX_OF = { email: 'gsi1', did: 'gsi2', sid: 'gsi3' } as const;
const { credential } = entities;

/**
 * The signed credential is stored as its JSON text: a DynamoDB map does not keep the order of
 * its members, and a credential must read back exactly as it was issued (`@context` first, the
 * same bytes for every retry and every reader).
 */
function fromItem(item: Record<string, unknown>): CredentialRecord {
  const record = stripKeys<CredentialRecord & { credential: unknown }>(item);
  return typeof record.credential === 'string' ? { ...record, credential: JSON.parse(record.credential) as Record<string, unknown> } : record;
}

export class Credentials implements CredentialRepository {
  constructor(private readonly table: Table) {}

  create(record: CredentialRecord): TableChange {
    const { emailHash, recipient } = record;
    // a recipient lookup only for the ways the credential names its recipient
    const lookups: IndexKeys = {
      ...(emailHash ? credential.index('gsi1', { ...record, emailHash }) : {}),
      ...(recipient.did ? credential.index('gsi2', { ...record, did: recipient.did }) : {}),
      ...(recipient.studentId ? credential.index('gsi3', { ...record, studentId: recipient.studentId }) : {}),
    };
    return new TableChange(credential.name, {
      Put: {
        TableName: this.table.name,
        Item: {
          ...credential.key(record),
          ...lookups,
          ...credential.metadata,
          ...record,
          credential: JSON.stringify(record.credential),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }

  /** The institution and the entry's head with one BatchGet (consistent), read as their repositories read them. */
  async issuingBasis<K extends CatalogueKind>(institution: string, kind: K, code: string): Promise<{ institution?: StoredInstitution; head?: StoredEntry<K> }> {
    const member = entities.institution.key({ id: institution });
    const items = await this.table.getMany([member, catalogueEntities[kind].head.key({ institution, code })], true);
    const basis: { institution?: StoredInstitution; head?: StoredEntry<K> } = {};
    for (const item of items) {
      if (item.pk === member.pk && item.sk === member.sk) basis.institution = stripKeys<StoredInstitution>(item);
      else basis.head = stripKeys<StoredEntry<K>>(item);
    }
    return basis;
  }

  async get(institution: string, id: string, consistent = false): Promise<CredentialRecord | undefined> {
    const item = await this.table.get(credential.key({ institution, id }), consistent);
    return item ? fromItem(item) : undefined;
  }

  async listByRecipient(institution: string, lookup: RecipientLookup, limit: number, cursor?: string): Promise<Page<CredentialRecord>> {
    const { index, partition } = this.lookup(institution, lookup);
    const page = await this.table.page(index, partition, limit, cursor, { newestFirst: true });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  /** Every credential of a recipient at an institution (micro-degree requirements). */
  async allForRecipient(institution: string, lookup: RecipientLookup): Promise<CredentialRecord[]> {
    const { index, partition } = this.lookup(institution, lookup);
    return (await this.table.queryPartition(index, partition)).map(fromItem);
  }

  /** Changes a credential's status, conditional on the status the caller read. */
  setStatus(institution: string, id: string, from: CredentialStatus, to: CredentialStatus, reason: string, at: string): TableChange {
    return new TableChange(credential.name, {
      Update: {
        TableName: this.table.name,
        Key: credential.key({ institution, id }),
        UpdateExpression: 'SET #status = :to, statusReason = :reason, statusChangedAt = :at',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': to, ':from': from, ':reason': reason, ':at': at },
      },
    });
  }

  private lookup(institution: string, lookup: RecipientLookup) {
    const index = INDEX_OF[lookup.kind];
    switch (lookup.kind) {
      case 'email':
        return { index, partition: credential.indexPartition('gsi1', { institution, emailHash: lookup.emailHash }) };
      case 'did':
        return { index, partition: credential.indexPartition('gsi2', { institution, did: lookup.did }) };
      case 'sid':
        return { index, partition: credential.indexPartition('gsi3', { institution, studentId: lookup.studentId }) };
    }
  }
}
