/**
 * The persistence port's contract: what every adapter of `Persistence` does, as a vitest
 * suite. It runs on MemoryPersistence (memory-persistence.test.ts) and on the DynamoDB Store
 * (packages/store/src/persistence.int.test.ts); a test that passes on one and fails on the
 * other is a bug in one of them. It asserts only what both must share: where a page may
 * legitimately hold fewer items (catalogue searches), over every page collected.
 *
 * @example
 * describePersistenceContract('MemoryPersistence', async () => ({ persistence: new MemoryPersistence() }));
 */
import {
  ConflictError,
  entryBytes,
  MAX_SEARCH_PAGE_BYTES,
  STATUS_BLOCK_SIZE,
  ValidationError,
  type ClaimRecord,
  type DeliveryRecord,
  type NoticeRecord,
  type SessionRecord,
  type ShareRecord,
  type SignInRecord,
  publicEntry,
  type AgreementRecord,
  type AuditRecord,
  type CredentialRecord,
  type IdempotencyRecord,
  type InstitutionRecord,
  type Page,
  type Persistence,
  type RecognitionRecord,
  type StatusListRecord,
  type StoredEntry,
  type TransferRecord,
  type CopyRecord,
  type GrantRecord,
} from '@cx/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export interface ContractSubject {
  persistence: Persistence;
  cleanup?: () => Promise<void>;
}

/** A timestamp `n` seconds into 2026, so that orders are known. */
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();

/** Every item of a listing, following cursors; and how many pages it took. */
async function collect<T>(read: (cursor?: string) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { items, pages };
}

/** A promise's rejection, for asserting its type and fields. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

async function expectCursorRefused(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues[0]?.field).toBe('cursor');
}

const institution = (id: string, overrides: Partial<InstitutionRecord> = {}): InstitutionRecord => ({
  id,
  name: `University ${id}`,
  country: 'NL',
  homepage: `https://${id}.example.eu`,
  status: 'active',
  keys: [{ id: 'key-1', publicKeyMultibase: 'z6Mk-test', status: 'active', createdAt: at(0), keyRef: `local:${id}` }],
  createdAt: at(0),
  updatedAt: at(0),
  ...overrides,
});

const apiKey = (keyId: string, owner: string | 'admin') => ({
  keyId,
  owner: owner === 'admin' ? ({ kind: 'admin' } as const) : ({ kind: 'institution', institutionId: owner } as const),
  secretHash: `hash-${keyId}`,
  createdAt: at(0),
});

const auditEntry = (id: string, second: number, institutionId?: string): AuditRecord => ({
  id,
  at: at(second),
  actor: { kind: 'admin', id: 'admin', keyId: 'k-admin' },
  action: 'institution.update',
  ...(institutionId ? { institution: institutionId } : {}),
  target: `institutions/${institutionId ?? '-'}`,
});

const component = (institutionId: string, code: string, overrides: Record<string, unknown> = {}): StoredEntry<'component'> =>
  ({
    title: `Course ${code}`,
    description: 'A course.',
    learningOutcomes: ['Learn'],
    ects: 5,
    eqfLevel: 6,
    iscedField: '0613',
    languages: ['en'],
    assessment: { type: 'project', supervision: 'supervised' },
    participation: 'online',
    qualityAssurance: 'QA',
    institution: institutionId,
    code,
    version: 1,
    status: 'active',
    updatedAt: at(0),
    contentHash: `hash-${code}`,
    searchText: ` course ${code.toLowerCase()} a course learn `,
    ...overrides,
  }) as StoredEntry<'component'>;

const microDegree = (institutionId: string, code: string, eqfLevel: number): StoredEntry<'micro-degree'> => ({
  title: `Degree ${code}`,
  description: 'A degree.',
  learningOutcomes: ['Learn more'],
  eqfLevel,
  components: [{ institution: institutionId, code: 'C-1' }],
  requirement: { type: 'all' },
  totalEcts: 5,
  institution: institutionId,
  code,
  version: 1,
  status: 'active',
  updatedAt: at(0),
  contentHash: `hash-${code}`,
  searchText: ` degree ${code.toLowerCase()} a degree learn more `,
});

const badge = (institutionId: string, code: string, category: StoredEntry<'badge'>['category']): StoredEntry<'badge'> => ({
  name: `Badge ${code}`,
  description: 'A badge.',
  category,
  criteria: 'Do it.',
  institution: institutionId,
  code,
  version: 1,
  status: 'active',
  updatedAt: at(0),
  contentHash: `hash-${code}`,
  searchText: ` badge ${code.toLowerCase()} a badge `,
});

const credential = (id: string, second: number, overrides: Partial<CredentialRecord> = {}): CredentialRecord => ({
  id,
  institution: 'uni-a',
  achievement: { type: 'component', institution: 'uni-a', code: 'C-1', version: 1 },
  recipient: { name: 'Ada', email: 'ada@example.eu', did: 'did:example:ada', studentId: 's-1' },
  emailHash: 'email-ada',
  status: 'active',
  statusListNumber: 1,
  statusIndex: second,
  issuedAt: at(second),
  // members deliberately out of alphabetical order: a credential reads back as issued
  credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], id, type: ['VerifiableCredential'], issuer: 'did:web:uni-a', credentialSubject: { name: 'Ada' } },
  ...overrides,
});

const statusList = (listNumber: number, revision: number): StatusListRecord => ({
  institution: 'uni-a',
  listId: `revocation-${listNumber}`,
  purpose: 'revocation',
  listNumber,
  bits: 'AAAA',
  revision,
  updatedAt: at(revision),
  credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], type: ['VerifiableCredential', 'BitstringStatusListCredential'], id: `list-${revision}` },
});

const claimRecord = (key: string, overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  key,
  requestHash: 'hash-1',
  resultId: `urn:uuid:${key}`,
  state: 'pending',
  createdAt: at(0),
  ...overrides,
});

const agreement = (institutionId: string, id: string, partner: string, version = 1): AgreementRecord => ({
  institution: institutionId,
  id,
  partner,
  validFrom: '2026-01-01',
  rules: [{ partnerComponent: 'C-1', reviewedVersion: 1, recognisedAs: { ects: 5 } }],
  version,
  contentHash: `hash-${id}-${version}`,
  updatedAt: at(version),
});

const transfer = (id: string, second: number, overrides: Partial<TransferRecord> = {}): TransferRecord => ({
  id,
  institution: 'uni-a',
  status: 'pending-review',
  student: { name: 'Ada', email: 'ada@example.eu' },
  items: [{ credentialId: 'cred-1', issuer: 'uni-b', component: 'C-1', outcome: 'pending', ects: 5, reason: 'needs review', history: [] }],
  totalEctsRecognised: 0,
  submittedBy: { kind: 'institution', id: 'uni-a', keyId: 'k-1' },
  revision: 1,
  createdAt: at(second),
  updatedAt: at(second),
  ...overrides,
});

const recognition = (credentialId: string, second: number, overrides: Partial<RecognitionRecord> = {}): RecognitionRecord => ({
  institution: 'uni-a',
  credentialId,
  transferId: 'transfer-1',
  component: { institution: 'uni-b', code: 'C-1', version: 1 },
  ects: 5,
  emailHash: 'email-ada',
  at: at(second),
  ...overrides,
});

const delivery = (credentialId: string, second: number, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  institution: 'uni-a',
  credentialId,
  emailHash: 'email-ada',
  issuedAt: at(second),
  claimTokenHash: `claim-${credentialId}-1`,
  claimExpiresAt: at(second + 3600),
  revision: 1,
  updatedAt: at(second),
  ...overrides,
});

const notice = (id: string, second: number, overrides: Partial<NoticeRecord> = {}): NoticeRecord => ({
  id,
  kind: 'claim',
  toHash: 'email-ada',
  institution: 'uni-a',
  credentialId: 'cred-1',
  state: 'queued',
  createdAt: at(second),
  ...overrides,
});

const share = (id: string, second: number, overrides: Partial<ShareRecord> = {}): ShareRecord => ({
  id,
  institution: 'uni-a',
  credentialId: 'cred-1',
  emailHash: 'email-ada',
  createdAt: at(second),
  ...overrides,
});

const signIn = (tokenHash: string): SignInRecord => ({ tokenHash, emailHash: 'email-ada', createdAt: at(1), expiresAt: at(901) });

const session = (idHash: string, second: number, emailHash = 'email-ada'): SessionRecord => ({ idHash, emailHash, createdAt: at(second), expiresAt: at(second + 43200) });

const exchangeGrant = (hash: string): GrantRecord => ({
  kind: 'vcapi-exchange',
  hash,
  purpose: 'issue',
  institution: 'uni-a',
  credentialId: 'cred-1',
  challenge: `challenge-${hash}`,
  domain: 'https://exchange.example.eu',
  createdAt: at(1),
  expiresAt: at(901),
});

const copyRecord = (copyId: string, second: number, overrides: Partial<CopyRecord> = {}): CopyRecord => ({
  institution: 'uni-a',
  originalId: 'cred-1',
  copyId,
  holderDid: 'did:key:z6MkAda',
  protocol: 'vcapi',
  issuedAt: at(second),
  // members deliberately out of alphabetical order: a copy reads back as issued
  credential: { '@context': ['https://www.w3.org/ns/credentials/v2'], id: `urn:uuid:${copyId}`, type: ['VerifiableCredential'], issuer: 'did:web:uni-a', credentialSubject: { id: 'did:key:z6MkAda' } },
  ...overrides,
});

const failure = (index: number) => ({ index, problem: { status: 400, title: 'Bad Request', detail: `item ${index} is invalid` } });

/**
 * Registers the contract suite for one adapter. `makePersistence` is called before every
 * test and must answer an empty persistence; `cleanup`, when given, runs after the test.
 */
export function describePersistenceContract(name: string, makePersistence: () => Promise<ContractSubject>): void {
  describe(`${name} keeps the persistence contract`, () => {
    let p: Persistence;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ persistence: p, cleanup } = await makePersistence());
    });

    afterEach(async () => {
      await cleanup?.();
    });

    describe('commit', () => {
      it('writes every change it is given', async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1)), p.audit.entry(auditEntry('audit-1', 1, 'uni-a'))]);

        expect(await p.credentials.get('uni-a', 'cred-1', true)).toBeDefined();
        expect((await p.audit.list({ institution: 'uni-a' }, 10)).items.map((record) => record.id)).toEqual(['audit-1']);
      });

      it('writes nothing when the condition of change 3 of 4 fails', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-taken', 'uni-a'))]);

        const attempt = p.commit([
          p.credentials.create(credential('cred-1', 1)),
          p.audit.entry(auditEntry('audit-1', 1, 'uni-a')),
          p.apiKeys.create(apiKey('k-taken', 'uni-b')),
          p.transfers.put(transfer('transfer-1', 1)),
        ]);

        await expect(attempt).rejects.toBeInstanceOf(ConflictError);
        expect(await p.credentials.get('uni-a', 'cred-1', true)).toBeUndefined();
        expect((await p.audit.list({ institution: 'uni-a' }, 10)).items).toEqual([]);
        expect((await p.apiKeys.get('k-taken'))?.owner).toEqual({ kind: 'institution', institutionId: 'uni-a' });
        expect(await p.transfers.get('transfer-1', true)).toBeUndefined();
      });

      it('writes a record as it was when its change was made, whatever the caller changed since', async () => {
        const record = transfer('t-1', 1);
        const change = p.transfers.put(record);
        record.items[0]!.outcome = 'rejected';

        await p.commit([change]);

        expect(await p.transfers.get('t-1', true)).toEqual(transfer('t-1', 1));
      });

      it('throws what onConflict names for the index of the failing change', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-taken', 'uni-a'))]);
        const indexes: number[] = [];
        const named = new ConflictError('that key is taken');

        const error = await rejection(
          p.commit([p.credentials.create(credential('cred-1', 1)), p.audit.entry(auditEntry('audit-1', 1)), p.apiKeys.create(apiKey('k-taken', 'uni-b'))], (index) => {
            indexes.push(index);
            return named;
          }),
        );

        expect(error).toBe(named);
        expect(indexes).toEqual([2]);
      });

      it('throws a ConflictError when onConflict names no error', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-taken', 'uni-a'))]);

        await expect(p.commit([p.apiKeys.create(apiKey('k-taken', 'uni-b'))], () => undefined)).rejects.toBeInstanceOf(ConflictError);
      });

      it('refuses a commit that changes one item twice, and writes nothing', async () => {
        const attempt = p.commit([p.credentials.create(credential('cred-1', 1)), p.transfers.put(transfer('transfer-1', 1)), p.credentials.setStatus('uni-a', 'cred-1', 'active', 'revoked', 'twice', at(2))]);

        await expect(attempt).rejects.toThrow();
        expect(await p.credentials.get('uni-a', 'cred-1', true)).toBeUndefined();
        expect(await p.transfers.get('transfer-1', true)).toBeUndefined();
      });

      it('refuses a commit of more than 100 changes, and writes nothing', async () => {
        const changes = Array.from({ length: 101 }, (_, n) => p.audit.entry(auditEntry(`audit-${n}`, n, 'uni-a')));

        await expect(p.commit(changes)).rejects.toThrow();
        expect((await p.audit.list({ institution: 'uni-a' }, 10)).items).toEqual([]);
      });

      it('writes a commit of 100 changes', async () => {
        await p.commit(Array.from({ length: 100 }, (_, n) => p.audit.entry(auditEntry(`audit-${n}`, n, 'uni-a'))));

        expect((await collect((cursor) => p.audit.list({ institution: 'uni-a' }, 100, cursor))).items).toHaveLength(100);
      });

      it('refuses a change made by another persistence with a TypeError', async () => {
        const other = await makePersistence();
        try {
          await expect(p.commit([other.persistence.credentials.create(credential('cred-1', 1))])).rejects.toBeInstanceOf(TypeError);
        } finally {
          await other.cleanup?.();
        }
      });
    });

    describe('institutions', () => {
      it('answers undefined for an institution never stored', async () => {
        expect(await p.institutions.get('uni-x', true)).toBeUndefined();
      });

      it('creates an institution at revision 1 and reads it back', async () => {
        const created = await p.institutions.create(institution('uni-a'), []);

        expect(created).toEqual({ ...institution('uni-a'), revision: 1 });
        expect(await p.institutions.get('uni-a', true)).toEqual(created);
      });

      it('writes the alongside changes with a new institution', async () => {
        await p.institutions.create(institution('uni-a'), [p.apiKeys.create(apiKey('k-1', 'uni-a'))]);

        expect(await p.apiKeys.get('k-1')).toMatchObject({ keyId: 'k-1', status: 'active' });
      });

      it('refuses to create an institution that exists, with a ConflictError naming it, and writes nothing alongside', async () => {
        await p.institutions.create(institution('uni-a'), []);

        const error = await rejection(p.institutions.create(institution('uni-a', { name: 'Other' }), [p.apiKeys.create(apiKey('k-1', 'uni-a'))]));

        expect(error).toBeInstanceOf(ConflictError);
        expect((error as Error).message).toContain('uni-a');
        expect((await p.institutions.get('uni-a', true))?.name).toBe('University uni-a');
        expect(await p.apiKeys.get('k-1')).toBeUndefined();
      });

      it('updates an institution read at its revision to the next revision', async () => {
        const created = await p.institutions.create(institution('uni-a'), []);

        const updated = await p.institutions.update(created, institution('uni-a', { status: 'suspended' }), []);

        expect(updated).toMatchObject({ status: 'suspended', revision: 2 });
        expect(await p.institutions.get('uni-a', true)).toEqual(updated);
      });

      it('refuses an update from a stale revision and keeps the stored one', async () => {
        const created = await p.institutions.create(institution('uni-a'), []);
        await p.institutions.update(created, institution('uni-a', { name: 'First' }), []);

        await expect(p.institutions.update(created, institution('uni-a', { name: 'Second' }), [])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.institutions.get('uni-a', true)).toMatchObject({ name: 'First', revision: 2 });
      });

      it('lists members in id order over several pages', async () => {
        for (const id of ['uni-c', 'uni-a', 'uni-e', 'uni-b', 'uni-d']) await p.institutions.create(institution(id), []);

        const { items, pages } = await collect((cursor) => p.institutions.list(2, cursor));

        expect(items.map((record) => record.id)).toEqual(['uni-a', 'uni-b', 'uni-c', 'uni-d', 'uni-e']);
        expect(pages).toBe(3);
      });

      it('gives a page no more items than its limit', async () => {
        for (const id of ['uni-a', 'uni-b', 'uni-c']) await p.institutions.create(institution(id), []);

        const first = await p.institutions.list(2);

        expect(first.items).toHaveLength(2);
        expect(first.nextCursor).toBeDefined();
      });

      it('refuses a cursor from another listing', async () => {
        for (const id of ['k-1', 'k-2']) await p.commit([p.apiKeys.create(apiKey(id, 'uni-a'))]);
        const keysPage = await p.apiKeys.list({ kind: 'institution', institutionId: 'uni-a' }, 1);

        await expectCursorRefused(p.institutions.list(1, keysPage.nextCursor));
      });

      it('refuses a cursor that is no cursor at all', async () => {
        await expectCursorRefused(p.institutions.list(1, 'not-a-cursor'));
      });

      it('does not let a caller change a stored institution through a record it was given', async () => {
        const record = institution('uni-a');
        await p.institutions.create(record, []);
        record.name = 'Changed after create';
        const read = (await p.institutions.get('uni-a', true))!;
        read.keys[0]!.status = 'retired';

        expect(await p.institutions.get('uni-a', true)).toMatchObject({ name: 'University uni-a', keys: [{ status: 'active' }] });
      });
    });

    describe('api keys', () => {
      const uniA = { kind: 'institution', institutionId: 'uni-a' } as const;

      it('stores a new key as active', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-1', 'uni-a'))]);

        expect(await p.apiKeys.get('k-1')).toEqual({ ...apiKey('k-1', 'uni-a'), status: 'active' });
      });

      it('refuses a key whose id exists', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-1', 'uni-a'))]);

        await expect(p.commit([p.apiKeys.create(apiKey('k-1', 'uni-b'))])).rejects.toBeInstanceOf(ConflictError);
      });

      it("lists an owner's keys in key-id order without their secret hashes, over several pages", async () => {
        for (const id of ['k-3', 'k-1', 'k-2']) await p.commit([p.apiKeys.create(apiKey(id, 'uni-a'))]);
        await p.commit([p.apiKeys.create(apiKey('k-0', 'uni-b')), p.apiKeys.create(apiKey('k-9', 'admin'))]);

        const { items } = await collect((cursor) => p.apiKeys.list(uniA, 2, cursor));

        expect(items.map((key) => key.keyId)).toEqual(['k-1', 'k-2', 'k-3']);
        expect(items.every((key) => !('secretHash' in key))).toBe(true);
      });

      it("lists the admin's keys apart from any institution's", async () => {
        await p.commit([p.apiKeys.create(apiKey('k-1', 'uni-a')), p.apiKeys.create(apiKey('k-2', 'admin'))]);

        expect((await p.apiKeys.list({ kind: 'admin' }, 10)).items.map((key) => key.keyId)).toEqual(['k-2']);
      });

      it("refuses a cursor from another owner's listing", async () => {
        for (const id of ['k-1', 'k-2']) await p.commit([p.apiKeys.create(apiKey(id, 'uni-b'))]);
        const other = await p.apiKeys.list({ kind: 'institution', institutionId: 'uni-b' }, 1);

        await expectCursorRefused(p.apiKeys.list(uniA, 1, other.nextCursor));
      });

      it('revokes a key of its owner', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-1', 'uni-a'))]);

        await p.commit([p.apiKeys.revoke(uniA, 'k-1', at(5))]);

        expect(await p.apiKeys.get('k-1')).toMatchObject({ status: 'revoked', revokedAt: at(5) });
      });

      it("refuses to revoke another owner's key", async () => {
        await p.commit([p.apiKeys.create(apiKey('k-1', 'uni-b'))]);

        await expect(p.commit([p.apiKeys.revoke(uniA, 'k-1', at(5))])).rejects.toBeInstanceOf(ConflictError);
        expect((await p.apiKeys.get('k-1'))?.status).toBe('active');
      });

      it('refuses to revoke a key twice', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-1', 'uni-a'))]);
        await p.commit([p.apiKeys.revoke(uniA, 'k-1', at(5))]);

        await expect(p.commit([p.apiKeys.revoke(uniA, 'k-1', at(6))])).rejects.toBeInstanceOf(ConflictError);
        expect((await p.apiKeys.get('k-1'))?.revokedAt).toBe(at(5));
      });

      it('refuses to revoke a key that does not exist', async () => {
        await expect(p.commit([p.apiKeys.revoke(uniA, 'k-none', at(5))])).rejects.toBeInstanceOf(ConflictError);
      });

      it('answers the ids of the working keys only', async () => {
        await p.commit(['k-1', 'k-2', 'k-3'].map((id) => p.apiKeys.create(apiKey(id, 'uni-a'))));
        await p.commit([p.apiKeys.revoke(uniA, 'k-2', at(5))]);

        expect(await p.apiKeys.activeIds(uniA)).toEqual(['k-1', 'k-3']);
      });
    });

    describe('audit', () => {
      it('lists an institution’s records newest first over several pages', async () => {
        await p.commit([2, 5, 1, 4, 3].map((second) => p.audit.entry(auditEntry(`a-${second}`, second, 'uni-a'))));
        await p.commit([p.audit.entry(auditEntry('b-9', 9, 'uni-b'))]);

        const { items, pages } = await collect((cursor) => p.audit.list({ institution: 'uni-a' }, 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['a-5', 'a-4', 'a-3', 'a-2', 'a-1']);
        expect(pages).toBe(3);
      });

      it('lists every record, of every institution and none, newest first', async () => {
        await p.commit([p.audit.entry(auditEntry('a-1', 1, 'uni-a')), p.audit.entry(auditEntry('x-2', 2)), p.audit.entry(auditEntry('b-3', 3, 'uni-b'))]);

        const { items } = await collect((cursor) => p.audit.list({}, 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['b-3', 'x-2', 'a-1']);
      });

      it('reads a record back as it was written', async () => {
        const entry = { ...auditEntry('a-1', 1, 'uni-a'), requestId: 'req-1', details: { changed: ['status'] } };
        await p.commit([p.audit.entry(entry)]);

        expect((await p.audit.list({ institution: 'uni-a' }, 10)).items).toEqual([entry]);
      });

      it('makes an id for an entry without one', async () => {
        const { id: _none, ...entry } = auditEntry('unused', 1, 'uni-a');
        await p.commit([p.audit.entry(entry)]);

        const [record] = (await p.audit.list({ institution: 'uni-a' }, 10)).items;

        expect(record?.id).toEqual(expect.any(String));
        expect(record?.id.length).toBeGreaterThan(0);
      });

      it("refuses a cursor from another institution's listing", async () => {
        await p.commit([1, 2].map((second) => p.audit.entry(auditEntry(`b-${second}`, second, 'uni-b'))));
        const other = await p.audit.list({ institution: 'uni-b' }, 1);

        await expectCursorRefused(p.audit.list({ institution: 'uni-a' }, 1, other.nextCursor));
      });
    });

    describe('settings', () => {
      it('answers undefined for a setting never set', async () => {
        expect(await p.settings.get('first-admin-key')).toBeUndefined();
      });

      it('sets a value once and keeps the first', async () => {
        expect(await p.settings.setOnce('first-admin-key', { keyId: 'k-1' })).toBe(true);
        expect(await p.settings.setOnce('first-admin-key', { keyId: 'k-2' })).toBe(false);

        expect(await p.settings.get('first-admin-key')).toEqual({ keyId: 'k-1' });
      });
    });

    describe('catalogue', () => {
      it('writes a new entry whose head and version read back as written', async () => {
        const entry = component('uni-a', 'C-1');

        await p.catalogue.write('component', entry, undefined, []);

        const head = await p.catalogue.head('component', 'uni-a', 'C-1', true);
        expect(head).toMatchObject(entry);
        expect(publicEntry(head!)).toEqual(publicEntry(entry));
        expect(publicEntry((await p.catalogue.version('component', 'uni-a', 'C-1', 1))!)).toEqual(publicEntry(entry));
      });

      it("keeps an entry's translations, nested by language, in its head, its version and search results", async () => {
        const translations = {
          de: { title: 'Maschinelles Lernen', description: 'Überwachtes Lernen.', learningOutcomes: ['Ein Modell trainieren', 'Ein Modell bewerten'] },
          fr: { title: 'Apprentissage automatique' },
        };
        const entry = component('uni-a', 'C-T', { translations, searchText: ' course c t a course learn maschinelles lernen apprentissage automatique ' });

        await p.catalogue.write('component', entry, undefined, []);

        expect((await p.catalogue.head('component', 'uni-a', 'C-T', true))?.translations).toEqual(translations);
        expect((await p.catalogue.version('component', 'uni-a', 'C-T', 1))?.translations).toEqual(translations);
        const found = await p.catalogue.search('component', { status: 'active', words: ['maschinell'] }, 10);
        expect(found.items.map((item) => [item.code, item.translations])).toEqual([['C-T', translations]]);
      });

      it('ends a search page early, with a cursor, where its entries reach the bytes a page holds', async () => {
        // 14 entries of about 300 KB (translations make entries this large): more than one page holds
        const long = { title: 'Lang', description: 'x'.repeat(300_000) };
        const codes = Array.from({ length: 14 }, (_, i) => `L-${String(i).padStart(2, '0')}`);
        for (const code of codes) await p.catalogue.write('component', component('uni-l', code, { translations: { de: long } }), undefined, []);

        const pages: Array<Page<StoredEntry<'component'>>> = [];
        const { items } = await collect(async (cursor) => {
          const found = await p.catalogue.search('component', { status: 'active', institution: 'uni-l' }, 100, cursor);
          pages.push(found);
          return found;
        });

        expect(items.map((entry) => entry.code)).toEqual(codes);
        expect(pages.length).toBeGreaterThan(1);
        for (const found of pages) expect(found.items.reduce((sum, entry) => sum + entryBytes(entry), 0)).toBeLessThanOrEqual(MAX_SEARCH_PAGE_BYTES);
      });

      it('keeps every version while the head moves to the newest', async () => {
        const first = component('uni-a', 'C-1');
        await p.catalogue.write('component', first, undefined, []);
        const second = component('uni-a', 'C-1', { version: 2, title: 'Course C-1, revised', updatedAt: at(2) });

        await p.catalogue.write('component', second, first, []);

        expect((await p.catalogue.head('component', 'uni-a', 'C-1', true))?.title).toBe('Course C-1, revised');
        expect((await p.catalogue.version('component', 'uni-a', 'C-1', 1))?.title).toBe('Course C-1');
        expect((await p.catalogue.version('component', 'uni-a', 'C-1', 2))?.title).toBe('Course C-1, revised');
      });

      it('rewrites the head alone when the version stays', async () => {
        const first = component('uni-a', 'C-1');
        await p.catalogue.write('component', first, undefined, []);

        await p.catalogue.write('component', component('uni-a', 'C-1', { status: 'withdrawn', updatedAt: at(3) }), first, []);

        expect((await p.catalogue.head('component', 'uni-a', 'C-1', true))?.status).toBe('withdrawn');
        expect((await p.catalogue.version('component', 'uni-a', 'C-1', 1))?.status).toBe('active');
      });

      it('refuses to create an entry that exists, with a ConflictError naming it', async () => {
        await p.catalogue.write('component', component('uni-a', 'C-1'), undefined, []);

        const error = await rejection(p.catalogue.write('component', component('uni-a', 'C-1', { title: 'Other' }), undefined, []));

        expect(error).toBeInstanceOf(ConflictError);
        expect((error as Error).message).toContain('uni-a/C-1');
      });

      it('refuses a write from a head that changed since it was read', async () => {
        const first = component('uni-a', 'C-1');
        await p.catalogue.write('component', first, undefined, []);
        await p.catalogue.write('component', component('uni-a', 'C-1', { version: 2, updatedAt: at(2) }), first, []);

        await expect(p.catalogue.write('component', component('uni-a', 'C-1', { version: 2, updatedAt: at(3) }), first, [])).rejects.toBeInstanceOf(ConflictError);
        expect((await p.catalogue.head('component', 'uni-a', 'C-1', true))?.updatedAt).toBe(at(2));
      });

      it('writes nothing when an alongside change fails', async () => {
        await p.commit([p.apiKeys.create(apiKey('k-taken', 'uni-a'))]);

        await expect(p.catalogue.write('component', component('uni-a', 'C-1'), undefined, [p.apiKeys.create(apiKey('k-taken', 'uni-a'))])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.catalogue.head('component', 'uni-a', 'C-1', true)).toBeUndefined();
        expect(await p.catalogue.version('component', 'uni-a', 'C-1', 1)).toBeUndefined();
      });

      it('answers undefined for a version never written', async () => {
        await p.catalogue.write('component', component('uni-a', 'C-1'), undefined, []);

        expect(await p.catalogue.version('component', 'uni-a', 'C-1', 2)).toBeUndefined();
        expect(await p.catalogue.head('badge', 'uni-a', 'C-1', true)).toBeUndefined();
      });

      it('reads several heads at once, keyed institution/code, leaving out those that do not exist', async () => {
        await p.catalogue.write('component', component('uni-a', 'C-1'), undefined, []);
        await p.catalogue.write('component', component('uni-b', 'C-2'), undefined, []);

        const heads = await p.catalogue.heads('component', [{ institution: 'uni-a', code: 'C-1' }, { institution: 'uni-b', code: 'C-2' }, { institution: 'uni-c', code: 'C-3' }], true);

        expect([...heads.keys()].sort()).toEqual(['uni-a/C-1', 'uni-b/C-2']);
        expect(heads.get('uni-b/C-2')?.code).toBe('C-2');
      });

      it('lists the micro-degrees a component counts towards, in order, over several pages', async () => {
        const comp = { institution: 'uni-a', code: 'C-1' };
        for (const code of ['MD-3', 'MD-1', 'MD-2']) await p.commit(p.catalogue.degreeRefs({ institution: 'uni-b', code }, [comp], []));

        const { items } = await collect((cursor) => p.catalogue.degreesListing(comp, 2, cursor));

        expect(items).toEqual(['MD-1', 'MD-2', 'MD-3'].map((code) => ({ institution: 'uni-b', code })));
      });

      it('forgets a degree ref that was removed', async () => {
        const [c1, c2] = [
          { institution: 'uni-a', code: 'C-1' },
          { institution: 'uni-a', code: 'C-2' },
        ];
        const degree = { institution: 'uni-b', code: 'MD-1' };
        await p.commit(p.catalogue.degreeRefs(degree, [c1!, c2!], []));

        await p.commit(p.catalogue.degreeRefs(degree, [], [c1!]));

        expect((await p.catalogue.degreesListing(c1!, 10)).items).toEqual([]);
        expect((await p.catalogue.degreesListing(c2!, 10)).items).toEqual([degree]);
      });

      it("refuses a cursor from another component's degree listing", async () => {
        const other = { institution: 'uni-a', code: 'C-9' };
        for (const code of ['MD-1', 'MD-2']) await p.commit(p.catalogue.degreeRefs({ institution: 'uni-b', code }, [other], []));
        const page = await p.catalogue.degreesListing(other, 1);

        await expectCursorRefused(p.catalogue.degreesListing({ institution: 'uni-a', code: 'C-1' }, 1, page.nextCursor));
      });

      describe('search', () => {
        /** Codes of every entry a search finds, over pages of `limit`. */
        async function codes(kind: 'component' | 'micro-degree' | 'badge', query: Parameters<Persistence['catalogue']['search']>[1], limit = 2): Promise<string[]> {
          const { items } = await collect((cursor) => p.catalogue.search(kind, query, limit, cursor));
          return items.map((entry) => `${entry.institution}/${entry.code}`);
        }

        beforeEach(async () => {
          const entries = [
            component('uni-b', 'C-1', { iscedField: '0613', eqfLevel: 6, ects: 5, languages: ['en'], searchText: ' machine learning basics ' }),
            component('uni-a', 'C-2', { iscedField: '0612', eqfLevel: 7, ects: 10, languages: ['en', 'nl'], participation: 'onsite', searchText: ' database design ' }),
            component('uni-a', 'C-3', { iscedField: '0613', eqfLevel: 7, ects: 2.5, languages: ['de'], searchText: ' machine vision ' }),
            component('uni-c', 'C-4', { iscedField: '0714', eqfLevel: 6, ects: 15, languages: ['en'], participation: 'blended', searchText: ' learning machines in industry ' }),
            component('uni-a', 'C-5', { iscedField: '0613', eqfLevel: 6, ects: 5, status: 'withdrawn', searchText: ' machine learning withdrawn ' }),
          ];
          for (const entry of entries) await p.catalogue.write('component', entry, undefined, []);
          await p.catalogue.write('micro-degree', microDegree('uni-a', 'MD-1', 6), undefined, []);
          await p.catalogue.write('micro-degree', microDegree('uni-b', 'MD-2', 7), undefined, []);
          await p.catalogue.write('badge', badge('uni-b', 'B-1', 'digital-skills'), undefined, []);
          await p.catalogue.write('badge', badge('uni-a', 'B-2', 'digital-skills'), undefined, []);
          await p.catalogue.write('badge', badge('uni-a', 'B-3', 'language-skills'), undefined, []);
        });

        it('finds the entries of a kind with a status, by institution and code', async () => {
          expect(await codes('component', { status: 'active' })).toEqual(['uni-a/C-2', 'uni-a/C-3', 'uni-b/C-1', 'uni-c/C-4']);
          expect(await codes('component', { status: 'withdrawn' })).toEqual(['uni-a/C-5']);
        });

        it('finds an institution’s entries', async () => {
          expect(await codes('component', { status: 'active', institution: 'uni-a' })).toEqual(['uni-a/C-2', 'uni-a/C-3']);
        });

        it('finds components under a 2-digit ISCED field, in field order', async () => {
          expect(await codes('component', { status: 'active', field: '06' })).toEqual(['uni-a/C-2', 'uni-b/C-1', 'uni-a/C-3']);
        });

        it('finds components under a 3- and a 4-digit ISCED field', async () => {
          expect(await codes('component', { status: 'active', field: '071' })).toEqual(['uni-c/C-4']);
          expect(await codes('component', { status: 'active', field: '0613' })).toEqual(['uni-b/C-1', 'uni-a/C-3']);
        });

        it('finds components of a field at a level', async () => {
          expect(await codes('component', { status: 'active', field: '0613', eqfLevel: 7 })).toEqual(['uni-a/C-3']);
          expect(await codes('component', { status: 'active', field: '06', eqfLevel: 6 })).toEqual(['uni-b/C-1']);
        });

        it('finds entries at an EQF level', async () => {
          expect(await codes('component', { status: 'active', eqfLevel: 6 })).toEqual(['uni-b/C-1', 'uni-c/C-4']);
          expect(await codes('micro-degree', { status: 'active', eqfLevel: 7 })).toEqual(['uni-b/MD-2']);
        });

        it('finds components taught in a language', async () => {
          expect(await codes('component', { status: 'active', language: 'nl' })).toEqual(['uni-a/C-2']);
        });

        it('finds components by form of participation', async () => {
          expect(await codes('component', { status: 'active', participation: 'online' })).toEqual(['uni-a/C-3', 'uni-b/C-1']);
        });

        it('finds components within an ECTS range, bounds included', async () => {
          expect(await codes('component', { status: 'active', minEcts: 5 })).toEqual(['uni-a/C-2', 'uni-b/C-1', 'uni-c/C-4']);
          expect(await codes('component', { status: 'active', maxEcts: 5 })).toEqual(['uni-a/C-3', 'uni-b/C-1']);
          expect(await codes('component', { status: 'active', minEcts: 5, maxEcts: 10 })).toEqual(['uni-a/C-2', 'uni-b/C-1']);
        });

        it('finds badges of a category, and of a category at an institution', async () => {
          expect(await codes('badge', { status: 'active', category: 'digital-skills' })).toEqual(['uni-a/B-2', 'uni-b/B-1']);
          expect(await codes('badge', { status: 'active', category: 'digital-skills', institution: 'uni-b' })).toEqual(['uni-b/B-1']);
        });

        it('finds entries whose texts hold every word as a word prefix', async () => {
          expect(await codes('component', { status: 'active', words: ['machin', 'learn'] })).toEqual(['uni-b/C-1', 'uni-c/C-4']);
          expect(await codes('component', { status: 'active', words: ['earning'] })).toEqual([]);
        });

        it('combines filters', async () => {
          expect(await codes('component', { status: 'active', field: '06', words: ['machine'], minEcts: 3 })).toEqual(['uni-b/C-1']);
        });

        it('finds nothing for filters another kind does not have', async () => {
          expect(await codes('badge', { status: 'active', eqfLevel: 6 })).toEqual([]);
          expect(await codes('micro-degree', { status: 'active', field: '06' })).toEqual([]);
        });

        it('returns every match exactly once over pages of one', async () => {
          expect(await codes('component', { status: 'active', field: '06' }, 1)).toEqual(['uni-a/C-2', 'uni-b/C-1', 'uni-a/C-3']);
        });

        it('answers the last page without a cursor', async () => {
          const page = await p.catalogue.search('component', { status: 'active' }, 10);

          expect(page.items).toHaveLength(4);
          expect(page.nextCursor).toBeUndefined();
        });

        it('refuses a cursor from another search', async () => {
          const page = await p.catalogue.search('component', { status: 'active', institution: 'uni-a' }, 1);

          expect(page.nextCursor).toBeDefined();
          await expectCursorRefused(p.catalogue.search('component', { status: 'active', institution: 'uni-a', minEcts: 1 }, 1, page.nextCursor));
        });

        it('answers stored entries a caller cannot change by mutating them', async () => {
          const [found] = (await p.catalogue.search('badge', { status: 'active', institution: 'uni-b' }, 10)).items;
          found!.name = 'Changed';

          expect((await p.catalogue.head('badge', 'uni-b', 'B-1', true))?.name).toBe('Badge B-1');
        });
      });
    });

    describe('credentials', () => {
      const byEmail = { kind: 'email', emailHash: 'email-ada' } as const;

      it('reads what issuing needs first, the institution and the entry head, as their repositories read them', async () => {
        await p.institutions.create(institution('uni-a'), []);
        await p.catalogue.write('component', component('uni-a', 'C-1'), undefined, []);

        expect(await p.credentials.issuingBasis('uni-a', 'component', 'C-1')).toEqual({
          institution: await p.institutions.get('uni-a', true),
          head: await p.catalogue.head('component', 'uni-a', 'C-1', true),
        });
        expect(await p.credentials.issuingBasis('uni-a', 'component', 'C-none')).toEqual({ institution: await p.institutions.get('uni-a', true) });
        expect(await p.credentials.issuingBasis('uni-a', 'badge', 'C-1')).toEqual({ institution: await p.institutions.get('uni-a', true) });
        expect(await p.credentials.issuingBasis('uni-none', 'component', 'C-1')).toEqual({});
      });

      it('stores a credential and reads it back as issued, member order included', async () => {
        const record = credential('cred-1', 1);

        await p.commit([p.credentials.create(record)]);

        const read = await p.credentials.get('uni-a', 'cred-1', true);
        expect(read).toEqual(record);
        expect(Object.keys(read!.credential)).toEqual(Object.keys(record.credential));
      });

      it("answers undefined for another institution's credential", async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1))]);

        expect(await p.credentials.get('uni-b', 'cred-1', true)).toBeUndefined();
      });

      it('refuses a credential whose id exists', async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1))]);

        await expect(p.commit([p.credentials.create(credential('cred-1', 2))])).rejects.toBeInstanceOf(ConflictError);
      });

      it("lists a recipient's credentials newest first over several pages", async () => {
        for (const second of [3, 1, 5, 2, 4]) await p.commit([p.credentials.create(credential(`cred-${second}`, second))]);
        await p.commit([p.credentials.create(credential('cred-other', 9, { emailHash: 'email-bob', recipient: { name: 'Bob' } }))]);

        const { items, pages } = await collect((cursor) => p.credentials.listByRecipient('uni-a', byEmail, 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['cred-5', 'cred-4', 'cred-3', 'cred-2', 'cred-1']);
        expect(pages).toBe(3);
      });

      it('finds a recipient by DID and by student id', async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1)), p.credentials.create(credential('cred-2', 2, { recipient: { name: 'Bob', did: 'did:example:bob' }, emailHash: undefined }))]);

        expect((await p.credentials.listByRecipient('uni-a', { kind: 'did', did: 'did:example:bob' }, 10)).items.map((r) => r.id)).toEqual(['cred-2']);
        expect((await p.credentials.listByRecipient('uni-a', { kind: 'sid', studentId: 's-1' }, 10)).items.map((r) => r.id)).toEqual(['cred-1']);
      });

      it("does not list another institution's credentials for the same recipient", async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1, { institution: 'uni-b' }))]);

        expect((await p.credentials.listByRecipient('uni-a', byEmail, 10)).items).toEqual([]);
      });

      it("refuses a cursor from another recipient's listing", async () => {
        for (const second of [1, 2]) await p.commit([p.credentials.create(credential(`cred-${second}`, second, { emailHash: 'email-bob' }))]);
        const other = await p.credentials.listByRecipient('uni-a', { kind: 'email', emailHash: 'email-bob' }, 1);

        await expectCursorRefused(p.credentials.listByRecipient('uni-a', byEmail, 1, other.nextCursor));
      });

      it('answers every credential of a recipient, oldest first', async () => {
        for (const second of [2, 1, 3]) await p.commit([p.credentials.create(credential(`cred-${second}`, second))]);

        expect((await p.credentials.allForRecipient('uni-a', byEmail)).map((record) => record.id)).toEqual(['cred-1', 'cred-2', 'cred-3']);
      });

      it('changes the status from the status the caller read', async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1))]);

        await p.commit([p.credentials.setStatus('uni-a', 'cred-1', 'active', 'revoked', 'fraud', at(9))]);

        expect(await p.credentials.get('uni-a', 'cred-1', true)).toMatchObject({ status: 'revoked', statusReason: 'fraud', statusChangedAt: at(9) });
      });

      it('refuses a status change from a status the credential no longer has', async () => {
        await p.commit([p.credentials.create(credential('cred-1', 1))]);
        await p.commit([p.credentials.setStatus('uni-a', 'cred-1', 'active', 'suspended', 'check', at(8))]);

        await expect(p.commit([p.credentials.setStatus('uni-a', 'cred-1', 'active', 'revoked', 'fraud', at(9))])).rejects.toBeInstanceOf(ConflictError);
        expect((await p.credentials.get('uni-a', 'cred-1', true))?.status).toBe('suspended');
      });

      it('refuses a status change of a credential that does not exist', async () => {
        await expect(p.commit([p.credentials.setStatus('uni-a', 'cred-none', 'active', 'revoked', 'fraud', at(9))])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.credentials.get('uni-a', 'cred-none', true)).toBeUndefined();
      });

      it('does not let a caller change a stored credential through what it was given or read', async () => {
        const record = credential('cred-1', 1);
        await p.commit([p.credentials.create(record)]);
        record.recipient.name = 'Changed after create';
        const [listed] = (await p.credentials.listByRecipient('uni-a', byEmail, 10)).items;
        (listed!.credential.credentialSubject as Record<string, unknown>).name = 'Changed after read';

        expect((await p.credentials.get('uni-a', 'cred-1', true))).toMatchObject({ recipient: { name: 'Ada' }, credential: { credentialSubject: { name: 'Ada' } } });
      });
    });

    describe('status lists', () => {
      it('starts allocating in list 1', async () => {
        expect(await p.statusLists.currentListNumber('uni-a')).toBe(1);
      });

      it('advances to the next list once, however often the same list is advanced from', async () => {
        await p.statusLists.advance('uni-a', 1);
        await p.statusLists.advance('uni-a', 1);

        expect(await p.statusLists.currentListNumber('uni-a')).toBe(2);
        expect(await p.statusLists.currentListNumber('uni-b')).toBe(1);
      });

      it('claims an index once per list', async () => {
        expect(await p.statusLists.claimIndex('uni-a', 1, 42, 'cred-1', at(1))).toBe(true);
        expect(await p.statusLists.claimIndex('uni-a', 1, 42, 'cred-2', at(2))).toBe(false);
        expect(await p.statusLists.claimIndex('uni-a', 2, 42, 'cred-2', at(2))).toBe(true);
        expect(await p.statusLists.claimIndex('uni-b', 1, 42, 'cred-3', at(3))).toBe(true);
      });

      it('reserves a block once, answering the indexes of it no credential claimed alone', async () => {
        const block = 1500;
        const first = block * STATUS_BLOCK_SIZE;
        expect(await p.statusLists.claimIndex('uni-a', 1, first + 3, 'cred-1', at(1))).toBe(true);

        const free = await p.statusLists.reserveBlock('uni-a', 1, block, 'batch/run-1/0', at(2));

        expect(free).toEqual(Array.from({ length: STATUS_BLOCK_SIZE }, (_, i) => first + i).filter((index) => index !== first + 3));
        expect(await p.statusLists.reserveBlock('uni-a', 1, block, 'batch/run-2/0', at(3))).toBeUndefined();
        expect(await p.statusLists.reserveBlock('uni-a', 2, block, 'batch/run-2/0', at(3))).toHaveLength(STATUS_BLOCK_SIZE);
        expect(await p.statusLists.reserveBlock('uni-b', 1, block, 'batch/run-3/0', at(3))).toHaveLength(STATUS_BLOCK_SIZE);
      });

      it('claims no index alone inside a reserved block, and still claims those beside it', async () => {
        const block = 1500;
        await p.statusLists.reserveBlock('uni-a', 1, block, 'batch/run-1/0', at(1));

        expect(await p.statusLists.claimIndex('uni-a', 1, block * STATUS_BLOCK_SIZE + 7, 'cred-1', at(2))).toBe(false);
        expect(await p.statusLists.claimIndex('uni-a', 1, (block + 1) * STATUS_BLOCK_SIZE - 1, 'cred-1', at(2))).toBe(false);
        expect(await p.statusLists.claimIndex('uni-a', 1, (block + 1) * STATUS_BLOCK_SIZE, 'cred-1', at(2))).toBe(true);
        expect(await p.statusLists.claimIndex('uni-a', 1, block * STATUS_BLOCK_SIZE - 1, 'cred-2', at(2))).toBe(true);
      });

      it('creates a list once and reads it back as signed, member order included', async () => {
        const list = statusList(1, 1);

        expect(await p.statusLists.create(list)).toBe(true);
        expect(await p.statusLists.create(statusList(1, 7))).toBe(false);

        const read = await p.statusLists.get('uni-a', 'revocation-1', true);
        expect(read).toEqual(list);
        expect(Object.keys(read!.credential)).toEqual(Object.keys(list.credential));
      });

      it('replaces a list read at its revision', async () => {
        await p.statusLists.create(statusList(1, 1));

        await p.commit([p.statusLists.put(statusList(1, 2), 1)]);

        expect((await p.statusLists.get('uni-a', 'revocation-1', true))?.revision).toBe(2);
      });

      it('refuses a replacement from a stale revision', async () => {
        await p.statusLists.create(statusList(1, 1));
        await p.commit([p.statusLists.put(statusList(1, 2), 1)]);

        await expect(p.commit([p.statusLists.put(statusList(1, 3), 1)])).rejects.toBeInstanceOf(ConflictError);
        expect((await p.statusLists.get('uni-a', 'revocation-1', true))?.revision).toBe(2);
      });

      it('puts a new list only when it does not exist yet', async () => {
        await p.commit([p.statusLists.put(statusList(1, 1), undefined)]);

        await expect(p.commit([p.statusLists.put(statusList(1, 1), undefined)])).rejects.toBeInstanceOf(ConflictError);
      });
    });

    describe('idempotency', () => {
      it('claims a new key and stores it pending', async () => {
        expect(await p.idempotency.claim('uni-a', claimRecord('key-1'))).toBeUndefined();

        expect(await p.idempotency.get('uni-a', 'key-1')).toEqual(claimRecord('key-1'));
      });

      it('answers the existing record when another request holds the key', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        expect(await p.idempotency.claim('uni-a', claimRecord('key-1', { resultId: 'urn:uuid:other', createdAt: at(1) }))).toEqual(claimRecord('key-1'));
      });

      it('counts a repeated claim of the same pending record as the caller’s own', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        expect(await p.idempotency.claim('uni-a', claimRecord('key-1'))).toBeUndefined();
      });

      it('answers a completed record to a repeated claim', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.commit([p.idempotency.complete('uni-a', 'key-1')]);

        expect(await p.idempotency.claim('uni-a', claimRecord('key-1'))).toMatchObject({ state: 'done' });
      });

      it('keeps keys of different scopes apart', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        expect(await p.idempotency.claim('uni-b', claimRecord('key-1', { resultId: 'urn:uuid:b' }))).toBeUndefined();
      });

      it('takes over a pending claim read at its createdAt', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        expect(await p.idempotency.takeOver('uni-a', 'key-1', at(0), at(60))).toBe(true);
        expect(await p.idempotency.get('uni-a', 'key-1')).toEqual(claimRecord('key-1', { createdAt: at(60) }));
      });

      it('refuses to take over a claim taken over since it was read', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.idempotency.takeOver('uni-a', 'key-1', at(0), at(60));

        expect(await p.idempotency.takeOver('uni-a', 'key-1', at(0), at(61))).toBe(false);
      });

      it('refuses to take over a completed claim or a missing one', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.commit([p.idempotency.complete('uni-a', 'key-1')]);

        expect(await p.idempotency.takeOver('uni-a', 'key-1', at(0), at(60))).toBe(false);
        expect(await p.idempotency.takeOver('uni-a', 'key-none', at(0), at(60))).toBe(false);
      });

      it('completes a pending claim', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        await p.commit([p.idempotency.complete('uni-a', 'key-1')]);

        expect(await p.idempotency.get('uni-a', 'key-1')).toEqual(claimRecord('key-1', { state: 'done' }));
      });

      it('refuses to complete a claim twice, or one never made', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.commit([p.idempotency.complete('uni-a', 'key-1')]);

        await expect(p.commit([p.idempotency.complete('uni-a', 'key-1')])).rejects.toBeInstanceOf(ConflictError);
        await expect(p.commit([p.idempotency.complete('uni-a', 'key-none')])).rejects.toBeInstanceOf(ConflictError);
      });

      it('fences a key never claimed, so it can never be claimed', async () => {
        expect(await p.idempotency.fence('uni-a', 'key-1', at(5))).toBeUndefined();

        expect(await p.idempotency.get('uni-a', 'key-1')).toEqual({ key: 'key-1', requestHash: 'fenced', resultId: '', state: 'done', createdAt: at(5) });
        expect(await p.idempotency.claim('uni-a', claimRecord('key-1'))).toMatchObject({ requestHash: 'fenced' });
      });

      it('fences a pending claim, which then cannot complete', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        expect(await p.idempotency.fence('uni-a', 'key-1', at(5))).toBeUndefined();
        await expect(p.commit([p.idempotency.complete('uni-a', 'key-1')])).rejects.toBeInstanceOf(ConflictError);
      });

      it('leaves a completed claim standing and answers it when fenced', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.commit([p.idempotency.complete('uni-a', 'key-1')]);

        expect(await p.idempotency.fence('uni-a', 'key-1', at(5))).toEqual(claimRecord('key-1', { state: 'done' }));
        expect((await p.idempotency.get('uni-a', 'key-1'))?.resultId).toBe('urn:uuid:key-1');
      });

      it('releases a pending claim so that it can be claimed again', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));

        await p.idempotency.release('uni-a', 'key-1');

        expect(await p.idempotency.get('uni-a', 'key-1')).toBeUndefined();
        expect(await p.idempotency.claim('uni-a', claimRecord('key-1', { resultId: 'urn:uuid:again' }))).toBeUndefined();
      });

      it('releases only the claim made at claimedAt', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.idempotency.takeOver('uni-a', 'key-1', at(0), at(60));

        await p.idempotency.release('uni-a', 'key-1', at(0));

        expect(await p.idempotency.get('uni-a', 'key-1')).toMatchObject({ createdAt: at(60) });
      });

      it('never releases a completed claim, and releasing a missing key is no error', async () => {
        await p.idempotency.claim('uni-a', claimRecord('key-1'));
        await p.commit([p.idempotency.complete('uni-a', 'key-1')]);

        await p.idempotency.release('uni-a', 'key-1');
        await p.idempotency.release('uni-a', 'key-none');

        expect((await p.idempotency.get('uni-a', 'key-1'))?.state).toBe('done');
      });
    });

    describe('batches', () => {
      const run = (id: string, second: number) => ({ id, institution: 'uni-a', total: 3, createdAt: at(second), createdBy: { kind: 'institution' as const, id: 'uni-a', keyId: 'k-1' } });
      const items = [{ n: 0 }, { n: 1 }, { n: 2 }];

      it('stores a run with its items in chunks', async () => {
        const created = await p.batches.create(run('run-1', 1), items);

        expect(created).toEqual({ ...run('run-1', 1), chunks: 1 });
        expect(await p.batches.get('uni-a', 'run-1')).toEqual(created);
        // exactly the chunk: keys and item metadata are the adapter's business
        expect(await p.batches.chunk('uni-a', 'run-1', 0)).toEqual({ first: 0, items });
        expect(await p.batches.chunk('uni-a', 'run-1', 1)).toBeUndefined();
      });

      it('cuts more than a chunk holds into several chunks', async () => {
        const many = Array.from({ length: 250 }, (_, n) => ({ n }));

        const created = await p.batches.create({ ...run('run-1', 1), total: 250 }, many);

        expect(created.chunks).toBe(3);
        expect(await p.batches.chunk('uni-a', 'run-1', 2)).toMatchObject({ first: 200, items: many.slice(200) });
      });

      it('keeps the first head when a run is created again with the same id', async () => {
        await p.batches.create(run('run-1', 1), items);

        const again = await p.batches.create({ ...run('run-1', 2), requestId: 'req-2' }, items);

        expect(again).toEqual({ ...run('run-1', 1), chunks: 1 });
      });

      it('answers undefined for a run never created', async () => {
        expect(await p.batches.get('uni-a', 'run-none')).toBeUndefined();
      });

      it('notes the first start only', async () => {
        await p.batches.create(run('run-1', 1), items);

        await p.batches.started('uni-a', 'run-1', at(2));
        await p.batches.started('uni-a', 'run-1', at(3));

        expect((await p.batches.get('uni-a', 'run-1'))?.startedAt).toBe(at(2));
      });

      it('refuses to start or close a run that does not exist', async () => {
        await expect(p.batches.started('uni-a', 'run-none', at(2))).rejects.toThrow();
        await expect(p.batches.close('uni-a', 'run-none', at(2))).rejects.toThrow();
      });

      it('lists open runs oldest first and takes a closed one out, keeping its first finish', async () => {
        for (const [id, second] of [['run-2', 2], ['run-1', 1], ['run-3', 3]] as const) await p.batches.create(run(id, second), items);

        await p.batches.close('uni-a', 'run-2', at(5));
        await p.batches.close('uni-a', 'run-2', at(6));

        expect((await p.batches.open()).map((batch) => batch.id)).toEqual(['run-1', 'run-3']);
        expect((await p.batches.get('uni-a', 'run-2'))?.finishedAt).toBe(at(5));
      });

      it('records an outcome once per item, never both issued and failed', async () => {
        await p.batches.create(run('run-1', 1), items);

        expect(await p.batches.record('uni-a', 'run-1', 0, { credentialId: 'cred-0' })).toBe(true);
        expect(await p.batches.record('uni-a', 'run-1', 0, { credentialId: 'cred-0' })).toBe(false);
        expect(await p.batches.record('uni-a', 'run-1', 0, failure(0))).toBe(false);
        expect(await p.batches.record('uni-a', 'run-1', 1, failure(1))).toBe(true);
        expect(await p.batches.record('uni-a', 'run-1', 1, { credentialId: 'cred-1' })).toBe(false);
      });

      it('commits an item issued with its credential, once, and never after it was failed', async () => {
        await p.batches.create(run('run-1', 1), items);

        await p.commit([p.credentials.create(credential('cred-0', 1)), ...p.batches.issued('uni-a', 'run-1', 0, 'cred-0')]);
        await expect(p.commit([p.credentials.create(credential('cred-0b', 2)), ...p.batches.issued('uni-a', 'run-1', 0, 'cred-0b')])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.batches.record('uni-a', 'run-1', 1, failure(1))).toBe(true);
        await expect(p.commit([p.credentials.create(credential('cred-1', 3)), ...p.batches.issued('uni-a', 'run-1', 1, 'cred-1')])).rejects.toBeInstanceOf(ConflictError);

        expect(await p.batches.record('uni-a', 'run-1', 0, failure(0))).toBe(false);
        expect([...(await p.batches.recordedIn('uni-a', 'run-1', 0, 3))].sort()).toEqual([0, 1]);
        expect(await p.batches.count('uni-a', 'run-1', 0, 0, 3, at(5))).toMatchObject({ issued: 1, failed: 1 });
        // the refused commits wrote nothing
        expect(await p.credentials.get('uni-a', 'cred-0b', true)).toBeUndefined();
        expect(await p.credentials.get('uni-a', 'cred-1', true)).toBeUndefined();
      });

      it('answers the indexes of a range that have an outcome', async () => {
        await p.batches.create(run('run-1', 1), items);
        await p.batches.record('uni-a', 'run-1', 0, { credentialId: 'cred-0' });
        await p.batches.record('uni-a', 'run-1', 2, failure(2));
        await p.batches.record('uni-a', 'run-1', 5, failure(5));

        expect([...(await p.batches.recordedIn('uni-a', 'run-1', 0, 3))].sort()).toEqual([0, 2]);
        expect([...(await p.batches.recordedIn('uni-a', 'run-1', 1, 1))]).toEqual([]);
      });

      it('counts a chunk and sums the counts into the progress', async () => {
        await p.batches.create(run('run-1', 1), items);
        await p.batches.record('uni-a', 'run-1', 0, { credentialId: 'cred-0' });
        await p.batches.record('uni-a', 'run-1', 1, failure(1));
        await p.batches.record('uni-a', 'run-1', 2, { credentialId: 'cred-2' });

        const count = await p.batches.count('uni-a', 'run-1', 0, 0, 2, at(5));
        await p.batches.count('uni-a', 'run-1', 1, 2, 1, at(6));

        expect(count).toEqual({ chunk: 0, first: 0, size: 2, issued: 1, failed: 1, countedAt: at(5) });
        expect(await p.batches.progress('uni-a', 'run-1')).toEqual({
          issued: 2,
          failed: 1,
          counts: [count, { chunk: 1, first: 2, size: 1, issued: 1, failed: 0, countedAt: at(6) }],
        });
      });

      it('never lets a smaller count replace a larger one', async () => {
        await p.batches.create(run('run-1', 1), items);
        for (const index of [0, 1]) await p.batches.record('uni-a', 'run-1', index, { credentialId: `cred-${index}` });
        await p.batches.count('uni-a', 'run-1', 0, 0, 3, at(5));

        const smaller = await p.batches.count('uni-a', 'run-1', 0, 0, 1, at(6));

        expect(smaller.issued).toBe(1);
        expect((await p.batches.progress('uni-a', 'run-1')).counts).toEqual([{ chunk: 0, first: 0, size: 3, issued: 2, failed: 0, countedAt: at(5) }]);
      });

      it('answers no progress for a run never counted', async () => {
        await p.batches.create(run('run-1', 1), items);

        expect(await p.batches.progress('uni-a', 'run-1')).toEqual({ issued: 0, failed: 0, counts: [] });
      });

      it('pages the failures of a run by item index', async () => {
        await p.batches.create({ ...run('run-1', 1), total: 12 }, Array.from({ length: 12 }, (_, n) => ({ n })));
        for (const index of [11, 3, 7, 0, 9]) await p.batches.record('uni-a', 'run-1', index, failure(index));
        await p.batches.record('uni-a', 'run-1', 5, { credentialId: 'cred-5' });

        const { items: failures, pages } = await collect((cursor) => p.batches.failures('uni-a', 'run-1', 2, cursor));

        expect(failures).toEqual([0, 3, 7, 9, 11].map(failure));
        expect(pages).toBe(3);
      });

      it("refuses a cursor from another run's failures", async () => {
        await p.batches.create(run('run-2', 2), items);
        for (const index of [0, 1]) await p.batches.record('uni-a', 'run-2', index, failure(index));
        const other = await p.batches.failures('uni-a', 'run-2', 1);

        await expectCursorRefused(p.batches.failures('uni-a', 'run-1', 1, other.nextCursor));
      });
    });

    describe('agreements', () => {
      it('writes an agreement and reads it back', async () => {
        await p.agreements.write(agreement('uni-a', 'ag-1', 'uni-b'), undefined, []);

        expect(await p.agreements.get('uni-a', 'ag-1', true)).toEqual(agreement('uni-a', 'ag-1', 'uni-b'));
      });

      it('writes a new version over the version read', async () => {
        const first = agreement('uni-a', 'ag-1', 'uni-b');
        await p.agreements.write(first, undefined, []);

        await p.agreements.write(agreement('uni-a', 'ag-1', 'uni-b', 2), first, []);

        expect((await p.agreements.get('uni-a', 'ag-1', true))?.version).toBe(2);
      });

      it('refuses a write over a version that changed, with a ConflictError naming the agreement', async () => {
        const first = agreement('uni-a', 'ag-1', 'uni-b');
        await p.agreements.write(first, undefined, []);
        await p.agreements.write(agreement('uni-a', 'ag-1', 'uni-b', 2), first, []);

        const error = await rejection(p.agreements.write(agreement('uni-a', 'ag-1', 'uni-b', 2), first, []));

        expect(error).toBeInstanceOf(ConflictError);
        expect((error as Error).message).toContain('uni-a/ag-1');
      });

      it('refuses to create an agreement that exists', async () => {
        await p.agreements.write(agreement('uni-a', 'ag-1', 'uni-b'), undefined, []);

        await expect(p.agreements.write(agreement('uni-a', 'ag-1', 'uni-c'), undefined, [])).rejects.toBeInstanceOf(ConflictError);
      });

      it('lists agreements of an institution, with a partner, both, or all, in order', async () => {
        const all = [agreement('uni-b', 'ag-2', 'uni-a'), agreement('uni-a', 'ag-3', 'uni-c'), agreement('uni-a', 'ag-1', 'uni-b'), agreement('uni-c', 'ag-4', 'uni-b')];
        for (const record of all) await p.agreements.write(record, undefined, []);
        const ids = async (filter: { institution?: string; partner?: string }) => (await collect((cursor) => p.agreements.list(filter, 1, cursor))).items.map((a) => a.id);

        expect(await ids({})).toEqual(['ag-1', 'ag-3', 'ag-2', 'ag-4']);
        expect(await ids({ institution: 'uni-a' })).toEqual(['ag-1', 'ag-3']);
        expect(await ids({ partner: 'uni-b' })).toEqual(['ag-1', 'ag-4']);
        expect(await ids({ institution: 'uni-c', partner: 'uni-b' })).toEqual(['ag-4']);
      });

      it('refuses a cursor from the agreements of another partner', async () => {
        for (const id of ['ag-1', 'ag-2']) await p.agreements.write(agreement('uni-a', id, 'uni-c'), undefined, []);
        const other = await p.agreements.list({ partner: 'uni-c' }, 1);

        await expectCursorRefused(p.agreements.list({ partner: 'uni-b' }, 1, other.nextCursor));
      });

      it('answers every agreement between an institution and a partner', async () => {
        for (const record of [agreement('uni-a', 'ag-2', 'uni-b'), agreement('uni-a', 'ag-1', 'uni-b'), agreement('uni-a', 'ag-3', 'uni-c'), agreement('uni-c', 'ag-4', 'uni-b')]) {
          await p.agreements.write(record, undefined, []);
        }

        expect((await p.agreements.between('uni-a', 'uni-b')).map((a) => a.id)).toEqual(['ag-1', 'ag-2']);
      });
    });

    describe('transfers', () => {
      it('puts a new transfer and reads it back', async () => {
        await p.commit([p.transfers.put(transfer('t-1', 1))]);

        expect(await p.transfers.get('t-1', true)).toEqual(transfer('t-1', 1));
      });

      it('refuses a new transfer whose id exists', async () => {
        await p.commit([p.transfers.put(transfer('t-1', 1))]);

        await expect(p.commit([p.transfers.put(transfer('t-1', 2))])).rejects.toBeInstanceOf(ConflictError);
      });

      it('replaces a transfer read at its revision, and refuses a stale revision', async () => {
        await p.commit([p.transfers.put(transfer('t-1', 1))]);
        await p.commit([p.transfers.put(transfer('t-1', 1, { status: 'decided', revision: 2 }), 1)]);

        await expect(p.commit([p.transfers.put(transfer('t-1', 1, { revision: 2 }), 1)])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.transfers.get('t-1', true)).toMatchObject({ status: 'decided', revision: 2 });
      });

      it("lists an institution's transfers newest first over several pages", async () => {
        for (const second of [2, 5, 1, 4, 3]) await p.commit([p.transfers.put(transfer(`t-${second}`, second))]);
        await p.commit([p.transfers.put(transfer('t-other', 9, { institution: 'uni-b' }))]);

        const { items, pages } = await collect((cursor) => p.transfers.list('uni-a', undefined, 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['t-5', 't-4', 't-3', 't-2', 't-1']);
        expect(pages).toBe(3);
      });

      it('lists transfers of one status, following a status change', async () => {
        await p.commit([p.transfers.put(transfer('t-1', 1)), p.transfers.put(transfer('t-2', 2))]);
        await p.commit([p.transfers.put(transfer('t-1', 1, { status: 'decided', revision: 2 }), 1)]);

        expect((await p.transfers.list('uni-a', 'decided', 10)).items.map((t) => t.id)).toEqual(['t-1']);
        expect((await p.transfers.list('uni-a', 'pending-review', 10)).items.map((t) => t.id)).toEqual(['t-2']);
      });

      it('refuses a cursor from the transfers of another status', async () => {
        for (const second of [1, 2]) await p.commit([p.transfers.put(transfer(`t-${second}`, second))]);
        const other = await p.transfers.list('uni-a', 'pending-review', 1);

        await expectCursorRefused(p.transfers.list('uni-a', 'decided', 1, other.nextCursor));
      });

      it('does not let a caller change a stored transfer through one it listed', async () => {
        await p.commit([p.transfers.put(transfer('t-1', 1))]);
        const [listed] = (await p.transfers.list('uni-a', undefined, 10)).items;
        listed!.student.name = 'Changed after read';

        expect(await p.transfers.get('t-1', true)).toEqual(transfer('t-1', 1));
      });

      it('records a recognition once per credential and institution', async () => {
        await p.commit([p.transfers.recognise(recognition('cred-1', 1))]);

        await expect(p.commit([p.transfers.recognise(recognition('cred-1', 2, { transferId: 'transfer-2' }))])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.transfers.recognition('uni-a', 'cred-1')).toEqual(recognition('cred-1', 1));
        expect(await p.transfers.recognition('uni-b', 'cred-1')).toBeUndefined();
      });

      it("answers a student's recognised components by email hash and by DID, each once", async () => {
        await p.commit([
          p.transfers.recognise(recognition('cred-1', 1, { did: 'did:example:ada' })),
          p.transfers.recognise(recognition('cred-2', 2, { emailHash: undefined, did: 'did:example:ada' })),
          p.transfers.recognise(recognition('cred-3', 3)),
          p.transfers.recognise(recognition('cred-4', 4, { component: undefined })),
          p.transfers.recognise(recognition('cred-5', 5, { emailHash: 'email-bob' })),
        ]);

        const found = await p.transfers.recognitionsOf('uni-a', { emailHash: 'email-ada', did: 'did:example:ada' });

        expect(found.map((record) => record.credentialId).sort()).toEqual(['cred-1', 'cred-2', 'cred-3']);
      });

      it("lists a student's transfers across institutions newest first over several pages, by email hash", async () => {
        for (const second of [2, 4, 1, 3]) {
          await p.commit([p.transfers.put(transfer(`t-${second}`, second, { studentEmailHash: 'email-ada', institution: second % 2 ? 'uni-a' : 'uni-b' }))]);
        }
        await p.commit([p.transfers.put(transfer('t-bob', 9, { studentEmailHash: 'email-bob' })), p.transfers.put(transfer('t-none', 8))]);

        const { items, pages } = await collect((cursor) => p.transfers.listByStudent('email-ada', 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['t-4', 't-3', 't-2', 't-1']);
        expect(pages).toBe(3);
        expect(items[0]).toEqual(transfer('t-4', 4, { studentEmailHash: 'email-ada', institution: 'uni-b' }));
      });

      it("refuses a cursor from another student's transfers", async () => {
        for (const second of [1, 2]) await p.commit([p.transfers.put(transfer(`t-${second}`, second, { studentEmailHash: 'email-bob' }))]);
        const other = await p.transfers.listByStudent('email-bob', 1);

        await expectCursorRefused(p.transfers.listByStudent('email-ada', 1, other.nextCursor));
      });

      it('counts requests in fixed windows, per scope and client', async () => {
        const now = new Date(Date.UTC(2026, 0, 1, 0, 0, 10));
        const allowed: boolean[] = [];
        for (let i = 0; i < 3; i++) allowed.push(await p.transfers.withinRate('submit', 'client-1', 2, 60, now));

        expect(allowed).toEqual([true, true, false]);
        expect(await p.transfers.withinRate('submit', 'client-2', 2, 60, now)).toBe(true);
        expect(await p.transfers.withinRate('status', 'client-1', 2, 60, now)).toBe(true);
        expect(await p.transfers.withinRate('submit', 'client-1', 2, 60, new Date(now.getTime() + 60_000))).toBe(true);
      });
    });

    describe('deliveries', () => {
      it('stores a delivery with its claim link and reads both back as written', async () => {
        await p.commit(p.deliveries.create(delivery('cred-1', 1, { lastNoticeId: 'n-1' })));

        expect(await p.deliveries.get('uni-a', 'cred-1', true)).toEqual(delivery('cred-1', 1, { lastNoticeId: 'n-1' }));
        expect(await p.deliveries.claim('claim-cred-1-1')).toEqual<ClaimRecord>({
          tokenHash: 'claim-cred-1-1',
          institution: 'uni-a',
          credentialId: 'cred-1',
          createdAt: at(1),
          expiresAt: at(3601),
        });
        expect(await p.deliveries.get('uni-b', 'cred-1', true)).toBeUndefined();
        expect(await p.deliveries.claim('claim-unknown')).toBeUndefined();
      });

      it('refuses a second delivery of a credential', async () => {
        await p.commit(p.deliveries.create(delivery('cred-1', 1)));

        await expect(p.commit(p.deliveries.create(delivery('cred-1', 2, { claimTokenHash: 'claim-other' })))).rejects.toBeInstanceOf(ConflictError);
        expect(await p.deliveries.claim('claim-other')).toBeUndefined();
      });

      it('moves a delivery to a new claim link, and the replaced link is still found', async () => {
        const first = delivery('cred-1', 1, { lastNoticeId: 'n-1' });
        await p.commit(p.deliveries.create(first));

        await p.commit(p.deliveries.replaceClaim(first, { claimTokenHash: 'claim-cred-1-2', claimExpiresAt: at(9000), lastNoticeId: 'n-2', at: at(50) }));

        expect(await p.deliveries.get('uni-a', 'cred-1', true)).toEqual(
          delivery('cred-1', 1, { claimTokenHash: 'claim-cred-1-2', claimExpiresAt: at(9000), lastNoticeId: 'n-2', revision: 2, updatedAt: at(50) }),
        );
        expect(await p.deliveries.claim('claim-cred-1-2')).toMatchObject({ credentialId: 'cred-1', createdAt: at(50), expiresAt: at(9000) });
        expect(await p.deliveries.claim('claim-cred-1-1')).toMatchObject({ institution: 'uni-a', credentialId: 'cred-1', expiresAt: at(3601) });
      });

      it('keeps the last notice when a new link names none', async () => {
        const first = delivery('cred-1', 1, { lastNoticeId: 'n-1' });
        await p.commit(p.deliveries.create(first));

        await p.commit(p.deliveries.replaceClaim(first, { claimTokenHash: 'claim-cred-1-2', claimExpiresAt: at(9000), at: at(50) }));

        expect(await p.deliveries.get('uni-a', 'cred-1', true)).toMatchObject({ lastNoticeId: 'n-1', revision: 2 });
      });

      it('refuses a new claim link over a stale revision, and writes none of it', async () => {
        const first = delivery('cred-1', 1);
        await p.commit(p.deliveries.create(first));
        await p.commit(p.deliveries.replaceClaim(first, { claimTokenHash: 'claim-cred-1-2', claimExpiresAt: at(9000), at: at(50) }));

        await expect(p.commit(p.deliveries.replaceClaim(first, { claimTokenHash: 'claim-cred-1-3', claimExpiresAt: at(9500), at: at(60) }))).rejects.toBeInstanceOf(ConflictError);
        expect(await p.deliveries.get('uni-a', 'cred-1', true)).toMatchObject({ claimTokenHash: 'claim-cred-1-2', revision: 2 });
        expect(await p.deliveries.claim('claim-cred-1-3')).toBeUndefined();
      });

      it("lists an address's deliveries across institutions newest first over several pages", async () => {
        for (const [id, second, institutionId] of [['cred-1', 1, 'uni-a'], ['cred-2', 4, 'uni-b'], ['cred-3', 2, 'uni-b'], ['cred-4', 3, 'uni-a']] as const) {
          await p.commit(p.deliveries.create(delivery(id, second, { institution: institutionId })));
        }
        await p.commit(p.deliveries.create(delivery('cred-bob', 9, { emailHash: 'email-bob' })));

        const { items, pages } = await collect((cursor) => p.deliveries.heldBy('email-ada', 2, cursor));

        expect(items.map((record) => `${record.institution}/${record.credentialId}`)).toEqual(['uni-b/cred-2', 'uni-a/cred-4', 'uni-b/cred-3', 'uni-a/cred-1']);
        expect(pages).toBe(3);
        expect(items[0]).toEqual(delivery('cred-2', 4, { institution: 'uni-b' }));
      });

      it("refuses a cursor from another address's deliveries", async () => {
        for (const id of ['cred-1', 'cred-2']) await p.commit(p.deliveries.create(delivery(id, 1, { emailHash: 'email-bob' })));
        const other = await p.deliveries.heldBy('email-bob', 1);

        await expectCursorRefused(p.deliveries.heldBy('email-ada', 1, other.nextCursor));
      });
    });

    describe('notices', () => {
      it('stores a notice and reads it back as written', async () => {
        await p.commit([p.notices.create(notice('n-1', 1))]);

        expect(await p.notices.get('n-1', true)).toEqual(notice('n-1', 1));
      });

      it('refuses a notice whose id exists', async () => {
        await p.commit([p.notices.create(notice('n-1', 1))]);

        await expect(p.commit([p.notices.create(notice('n-1', 2))])).rejects.toBeInstanceOf(ConflictError);
      });

      it('moves a notice from an allowed state, setting the fields given', async () => {
        await p.commit([p.notices.create(notice('n-1', 1))]);

        const claimed = await p.notices.transition('n-1', ['queued'], 'sending', { claimedAt: at(2) });
        const sent = await p.notices.transition('n-1', ['sending'], 'sent', { sentAt: at(3), providerMessageId: 'msg-1' });

        expect(claimed).toEqual(notice('n-1', 1, { state: 'sending', claimedAt: at(2) }));
        expect(sent).toEqual(notice('n-1', 1, { state: 'sent', sentAt: at(3), providerMessageId: 'msg-1' }));
        expect(await p.notices.get('n-1', true)).toEqual(sent);
      });

      it('refuses a move from a state the notice is not in, or of a notice that does not exist', async () => {
        await p.commit([p.notices.create(notice('n-1', 1))]);
        await p.notices.transition('n-1', ['queued'], 'superseded', {});

        expect(await p.notices.transition('n-1', ['queued'], 'sending', { claimedAt: at(2) })).toBeUndefined();
        expect(await p.notices.transition('n-none', ['queued', 'sending'], 'sent', {})).toBeUndefined();
        expect(await p.notices.get('n-1', true)).toEqual(notice('n-1', 1, { state: 'superseded' }));
        expect(await p.notices.get('n-none', true)).toBeUndefined();
      });

      it('gives a notice to one of two senders taking it at once', async () => {
        await p.commit([p.notices.create(notice('n-1', 1))]);

        const taken = await Promise.all([p.notices.transition('n-1', ['queued'], 'sending', { claimedAt: at(2) }), p.notices.transition('n-1', ['queued'], 'sending', { claimedAt: at(3) })]);

        expect(taken.filter((record) => record !== undefined)).toHaveLength(1);
      });

      it('takes over a stale sending notice only for the sender that read it as claimed at that time', async () => {
        await p.commit([p.notices.create(notice('n-1', 1, { state: 'sending', claimedAt: at(2) }))]);

        const taken = await Promise.all([
          p.notices.transition('n-1', ['sending'], 'sending', { claimedAt: at(7) }, at(2)),
          p.notices.transition('n-1', ['sending'], 'sending', { claimedAt: at(8) }, at(2)),
        ]);

        expect(taken.filter((record) => record !== undefined)).toHaveLength(1);
        expect(await p.notices.transition('n-1', ['sending'], 'sent', { sentAt: at(9) }, at(2))).toBeUndefined();
      });

      it('refuses a move back to queued', async () => {
        await p.commit([p.notices.create(notice('n-1', 1, { state: 'sending', claimedAt: at(2) }))]);

        await expect(p.notices.transition('n-1', ['sending'], 'queued', {})).rejects.toBeInstanceOf(TypeError);
      });

      it('lists queued notices created before a time, oldest first, and no longer those that moved on', async () => {
        for (const second of [3, 1, 2, 5]) await p.commit([p.notices.create(notice(`n-${second}`, second))]);
        await p.commit([p.notices.create(notice('n-sent', 0, { state: 'sent', sentAt: at(1) }))]);
        await p.notices.transition('n-2', ['queued'], 'sending', { claimedAt: at(6) });

        expect((await p.notices.queuedBefore(at(5), 10)).map((record) => record.id)).toEqual(['n-1', 'n-3']);
        expect((await p.notices.queuedBefore(at(9), 2)).map((record) => record.id)).toEqual(['n-1', 'n-3']);
        expect(await p.notices.queuedBefore(at(9), 10)).toEqual([notice('n-1', 1), notice('n-3', 3), notice('n-5', 5)]);
      });

      it("lists a credential's claim notices newest first over several pages", async () => {
        for (const second of [2, 1, 3]) await p.commit([p.notices.create(notice(`n-${second}`, second, { state: 'sent' }))]);
        await p.commit([
          p.notices.create(notice('n-other', 9, { credentialId: 'cred-2' })),
          p.notices.create(notice('n-sign-in', 8, { kind: 'sign-in', institution: undefined, credentialId: undefined })),
        ]);

        const { items, pages } = await collect((cursor) => p.notices.ofCredential('uni-a', 'cred-1', 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['n-3', 'n-2', 'n-1']);
        expect(pages).toBe(2);
        expect((await p.notices.ofCredential('uni-b', 'cred-1', 10)).items).toEqual([]);
      });
    });

    describe('shares', () => {
      it('stores a share and reads it back as written', async () => {
        await p.commit([p.shares.create(share('s-1', 1))]);

        expect(await p.shares.get('s-1', true)).toEqual(share('s-1', 1));
      });

      it('refuses a share whose id exists', async () => {
        await p.commit([p.shares.create(share('s-1', 1))]);

        await expect(p.commit([p.shares.create(share('s-1', 2, { emailHash: 'email-bob' }))])).rejects.toBeInstanceOf(ConflictError);
      });

      it('withdraws a share of its own student once', async () => {
        await p.commit([p.shares.create(share('s-1', 1))]);

        await p.commit([p.shares.withdraw('s-1', 'email-ada', at(5))]);

        await expect(p.commit([p.shares.withdraw('s-1', 'email-ada', at(6))])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.shares.get('s-1', true)).toEqual(share('s-1', 1, { withdrawnAt: at(5) }));
      });

      it("refuses to withdraw another student's share, or one that does not exist", async () => {
        await p.commit([p.shares.create(share('s-1', 1))]);

        await expect(p.commit([p.shares.withdraw('s-1', 'email-bob', at(5))])).rejects.toBeInstanceOf(ConflictError);
        await expect(p.commit([p.shares.withdraw('s-none', 'email-ada', at(5))])).rejects.toBeInstanceOf(ConflictError);
        expect(await p.shares.get('s-1', true)).toEqual(share('s-1', 1));
        expect(await p.shares.get('s-none', true)).toBeUndefined();
      });

      it("lists an address's shares newest first over several pages, withdrawn ones included", async () => {
        for (const second of [2, 3, 1]) await p.commit([p.shares.create(share(`s-${second}`, second))]);
        await p.commit([p.shares.create(share('s-bob', 9, { emailHash: 'email-bob' })), p.shares.withdraw('s-2', 'email-ada', at(4))]);

        const { items, pages } = await collect((cursor) => p.shares.listBy('email-ada', 2, cursor));

        expect(items.map((record) => record.id)).toEqual(['s-3', 's-2', 's-1']);
        expect(pages).toBe(2);
        expect(items[1]).toEqual(share('s-2', 2, { withdrawnAt: at(4) }));
      });
    });

    describe('sessions', () => {
      it('uses a sign-in link once, answering it as written', async () => {
        await p.sessions.createSignIn(signIn('signin-1'));

        expect(await p.sessions.consumeSignIn('signin-1')).toEqual(signIn('signin-1'));
        expect(await p.sessions.consumeSignIn('signin-1')).toBeUndefined();
        expect(await p.sessions.consumeSignIn('signin-unknown')).toBeUndefined();
      });

      it('gives a sign-in link to one of two uses at once', async () => {
        await p.sessions.createSignIn(signIn('signin-1'));

        const used = await Promise.all([p.sessions.consumeSignIn('signin-1'), p.sessions.consumeSignIn('signin-1')]);

        expect(used.filter((record) => record !== undefined)).toEqual([signIn('signin-1')]);
      });

      it('stores a session, reads it back as written, and ends it', async () => {
        await p.sessions.create(session('session-1', 1));

        expect(await p.sessions.get('session-1')).toEqual(session('session-1', 1));
        await p.sessions.end('session-1');
        expect(await p.sessions.get('session-1')).toBeUndefined();
        await expect(p.sessions.end('session-1')).resolves.toBeUndefined();
      });

      it("ends every session of an address, and only those, counting them", async () => {
        for (const second of [1, 2, 3]) await p.sessions.create(session(`session-${second}`, second));
        await p.sessions.create(session('session-bob', 4, 'email-bob'));

        expect(await p.sessions.endAll('email-ada')).toBe(3);
        expect(await p.sessions.endAll('email-ada')).toBe(0);
        expect(await p.sessions.get('session-2')).toBeUndefined();
        expect(await p.sessions.get('session-bob')).toEqual(session('session-bob', 4, 'email-bob'));
      });
    });

    describe('grants', () => {
      it('stores a grant and reads it back as written', async () => {
        await p.commit([p.grants.create(exchangeGrant('hash-1'))]);

        expect(await p.grants.get('vcapi-exchange', 'hash-1')).toEqual(exchangeGrant('hash-1'));
        expect(await p.grants.get('vcapi-exchange', 'hash-unknown')).toBeUndefined();
      });

      it('refuses a grant whose kind and hash exist, and keeps each kind apart', async () => {
        await p.commit([p.grants.create(exchangeGrant('hash-1'))]);
        const result: GrantRecord = { kind: 'exchange-result', hash: 'hash-1', copyId: 'copy-1', createdAt: at(2), expiresAt: at(902) };

        await expect(p.commit([p.grants.create(exchangeGrant('hash-1'))])).rejects.toBeInstanceOf(ConflictError);
        await p.commit([p.grants.create(result)]);

        expect(await p.grants.get('exchange-result', 'hash-1')).toEqual(result);
        expect(await p.grants.get('c-nonce', 'hash-1')).toBeUndefined();
        expect(await p.grants.consume('c-nonce', 'hash-1')).toBeUndefined();
        expect(await p.grants.get('vcapi-exchange', 'hash-1')).toEqual(exchangeGrant('hash-1'));
      });

      it('uses a grant once, answering it as written', async () => {
        await p.commit([p.grants.create(exchangeGrant('hash-1'))]);

        expect(await p.grants.consume('vcapi-exchange', 'hash-1')).toEqual(exchangeGrant('hash-1'));
        expect(await p.grants.consume('vcapi-exchange', 'hash-1')).toBeUndefined();
        expect(await p.grants.get('vcapi-exchange', 'hash-1')).toBeUndefined();
        expect(await p.grants.consume('vcapi-exchange', 'hash-unknown')).toBeUndefined();
      });

      it('gives a grant to one of two uses at once', async () => {
        await p.commit([p.grants.create(exchangeGrant('hash-1'))]);

        const used = await Promise.all([p.grants.consume('vcapi-exchange', 'hash-1'), p.grants.consume('vcapi-exchange', 'hash-1')]);

        expect(used.filter((record) => record !== undefined)).toEqual([exchangeGrant('hash-1')]);
      });
    });

    describe('copies', () => {
      it('stores a copy and lists it as issued, member order included', async () => {
        await p.commit([p.copies.create(copyRecord('copy-1', 1))]);

        const { items } = await p.copies.ofCredential('uni-a', 'cred-1', 10);

        expect(items).toEqual([copyRecord('copy-1', 1)]);
        expect(Object.keys(items[0]!.credential)).toEqual(Object.keys(copyRecord('copy-1', 1).credential));
      });

      it('refuses a copy whose id exists', async () => {
        await p.commit([p.copies.create(copyRecord('copy-1', 1))]);

        await expect(p.commit([p.copies.create(copyRecord('copy-1', 2, { holderDid: 'did:key:z6MkBob' }))])).rejects.toBeInstanceOf(ConflictError);
      });

      it("lists a credential's copies newest first over several pages, and only its own", async () => {
        for (const second of [2, 3, 1]) await p.commit([p.copies.create(copyRecord(`copy-${second}`, second))]);
        await p.commit([
          p.copies.create(copyRecord('copy-other', 9, { originalId: 'cred-2' })),
          p.copies.create(copyRecord('copy-b', 9, { institution: 'uni-b' })),
        ]);

        const { items, pages } = await collect((cursor) => p.copies.ofCredential('uni-a', 'cred-1', 2, cursor));

        expect(items.map((record) => record.copyId)).toEqual(['copy-3', 'copy-2', 'copy-1']);
        expect(pages).toBe(2);
        expect((await p.copies.ofCredential('uni-b', 'cred-1', 10)).items.map((record) => record.copyId)).toEqual(['copy-b']);
      });

      it("refuses a cursor from another credential's copies", async () => {
        for (const second of [1, 2]) await p.commit([p.copies.create(copyRecord(`copy-${second}`, second))]);
        const { nextCursor } = await p.copies.ofCredential('uni-a', 'cred-1', 1);

        await expectCursorRefused(p.copies.ofCredential('uni-a', 'cred-2', 1, nextCursor));
      });
    });
  });
}
