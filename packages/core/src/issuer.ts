/**
 * Issuing Open Badges 3.0 credentials for catalogue entries: the entry is frozen at its
 * version, the recipient identified by DID or salted email hash, two status entries
 * allocated, and the credential signed with the institution's own key. A credential issued
 * to an email address is committed with its delivery (a claim link) and, unless the request
 * says `"notify": false`, a claim notice, dispatched after the commit. Retries with an
 * Idempotency-Key get the same credential, however many arrive at once, and no second notice.
 */
import { createHash } from 'node:crypto';
import {
  assertCredentialBudget,
  buildOpenBadgeCredential,
  newCredentialId,
  signCredential,
  type AchievementInput,
  type CredentialSigner,
  type DocumentLoader,
  type LinkedAchievement,
} from '@cx/credentials';
import {
  activeKey,
  catalogueEntryUrl,
  type CatalogueKind,
  contentHash,
  ConflictError,
  NotFoundError,
  publicEntry,
  retry,
  UnprocessableError,
  ValidationError,
  type CatalogueEntry,
  type Change,
  type Clock,
  type CredentialRecord,
  type InstitutionRecord,
  type IssueRequest,
  type KeyVault,
  type Persistence,
  type RecipientLookup,
  type RequestContext,
  type StoredEntry,
  institutionDid,
  type MicroDegreeBody,
} from '@cx/domain';
import { auditEntry } from './audit-entry.js';
import { addsStatusEntry, composedShapeIssues, withStatusEntries, type ComposedOptions } from './composed-credential.js';
import { IdempotencyInProgressError, type Claim, type Idempotency } from './idempotency.js';
import { activeMember, requireActiveMember } from './membership.js';
import { signAsInstitution } from './signing.js';
import type { StatusService, StatusSlotAllocation } from './status-service.js';
import type { NoticeMessage } from './delivery/notice-message.js';
import type { NoticeService } from './delivery/notices.js';

export interface IssuerDeps {
  store: Persistence;
  keyVault: KeyVault;
  publicUrl: string;
  documentLoader: DocumentLoader;
  clock: Clock;
  status: StatusService;
  idempotency: Idempotency;
  /** Deliveries and claim notices of credentials issued to an email address. */
  notices: NoticeService;
  /** How a request waiting for a concurrent one with its Idempotency-Key tells time and waits (tests: instant). */
  wait?: { now?: () => number; sleep?: (ms: number) => Promise<void> };
  /** Components recognised for a recipient at an institution through decided transfers (issue 5). */
  recognisedComponents?: (institution: string, recipient: IssueRequest['recipient']) => Promise<RecognisedComponent[]>;
}

export interface RecognisedComponent {
  institution: string;
  code: string;
  ects: number;
  /** The original credential's id. */
  credentialId: string;
  /** The receiving institution's own component it was recognised as. */
  recognisedAs?: string;
}

export interface IssueContext extends RequestContext {
  idempotencyKey?: string;
  /**
   * Takes the claim notice written with the credential, for the caller to dispatch with
   * others through NoticeService.dispatch (a graduation run's chunk); without it the notice
   * is dispatched at once. Not called for a retry answered with the stored credential.
   */
  deferNotice?: (notice: NoticeMessage) => void;
}

/**
 * What a graduation-run chunk read and reserved once for one of its items: the credential's
 * id (derived from the run and the item), its catalogue entry, its status slot, and the
 * item's outcome, committed with the credential.
 */
export interface PreparedIssue {
  id: string;
  entry: CatalogueEntry;
  slot: StatusSlotAllocation;
  alongside: Change[];
}

/**
 * A prepared credential or its item's outcome was stored already, by another delivery of the
 * item's chunk or by giving the chunk up: the item has its outcome, nothing was written.
 */
export class AlreadyRecordedError extends ConflictError {
  constructor(id: string) {
    super(`credential ${id} or its item's outcome is recorded already`);
  }
}

/** A credential built and signed, and what its commit writes (not written yet). */
export interface SignedIssue {
  issued: IssuedCredential;
  changes: Change[];
  /** Its claim notice, to dispatch once committed. */
  notice?: NoticeMessage;
}

export interface IssuedCredential {
  id: string;
  credential: Record<string, unknown>;
  record: CredentialRecord;
}

/** How long a request waits for a concurrent request with the same Idempotency-Key to finish. */
const IDEMPOTENCY_WAIT_MS = 10_000;
/**
 * How long a claimed Idempotency-Key belongs to its holder. Longer than any issuing can take
 * (an HTTP function runs at most 20 s; signing backs off for at most about 40 s): after it, the
 * holder is presumed dead and a retry takes the key over.
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;

/** The longest credential id a composed credential is recorded under (a key of the store). */
const MAX_RECORDED_ID_LENGTH = 1000;

/**
 * Who a composed credential names: its (first) subject's name, and its DID, by which recipient
 * lookups find it (unless it is too long for an index key).
 */
function composedRecipient(credential: Record<string, unknown>): CredentialRecord['recipient'] {
  const subject = (Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject) as { id?: unknown; name?: unknown } | undefined;
  const did = typeof subject?.id === 'string' && subject.id.startsWith('did:') && subject.id.length <= MAX_RECORDED_ID_LENGTH ? subject.id : undefined;
  return { name: typeof subject?.name === 'string' ? subject.name : '', ...(did ? { did } : {}) };
}

/** The head of the entry a request names, as read with its institution (absent: there is none). */
interface HeadRead {
  head: StoredEntry | undefined;
}

/** How {@link CredentialIssuer.resolveEntries} keys the entry a request names. */
export const entryKey = (request: IssueRequest): string => `${request.achievement.type}/${request.achievement.code}/${request.achievement.version ?? ''}`;

export const emailLookupHash = (email: string): string => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

export function recipientLookup(recipient: { did?: string; email?: string; studentId?: string }): RecipientLookup {
  if (recipient.did) return { kind: 'did', did: recipient.did };
  if (recipient.email) return { kind: 'email', emailHash: emailLookupHash(recipient.email) };
  return { kind: 'sid', studentId: recipient.studentId! };
}

export class CredentialIssuer {
  constructor(private readonly deps: IssuerDeps) {}

  achievementUrl(type: CatalogueKind, institution: string, code: string, version: number): string {
    return catalogueEntryUrl(this.deps.publicUrl, type, institution, code, version);
  }

  async issue(institutionId: string, request: IssueRequest, ctx: IssueContext): Promise<IssuedCredential> {
    // the institution and the entry's head in one request: the entry is resolved from this head
    const basis = await this.deps.store.credentials.issuingBasis(institutionId, request.achievement.type, request.achievement.code);
    const institution = activeMember(basis.institution, institutionId, 'can issue nothing new');
    const read: HeadRead = { head: basis.head };
    if (!ctx.idempotencyKey) return this.issueOnce(institution, request, ctx, newCredentialId(), { read });
    const key = ctx.idempotencyKey;
    const requestHash = contentHash(request);
    return retry(
      async () => {
        const claim = await this.deps.idempotency.claim(institutionId, key, requestHash, newCredentialId());
        if (claim.held) return this.issueClaimed(institution, request, ctx, claim, read);
        // a key past its time to live binds nothing: a new request, as if it had no key
        if (claim.state === 'expired') return this.issueOnce(institution, request, { ...ctx, idempotencyKey: undefined }, newCredentialId(), { read });
        const record = await this.deps.store.credentials.get(institutionId, claim.record.resultId, true);
        if (record) return { id: record.id, credential: record.credential, record };
        // a claim older than any request can run is a dead one's (a Lambda that timed out, a
        // killed batch worker): take it over, keeping its credential id so that at most one
        // credential is ever stored for the key, even if its holder wakes up
        if (this.deps.idempotency.leaseRunOut(claim.record, IDEMPOTENCY_LEASE_MS)) {
          const taken = await this.deps.idempotency.takeOver(institutionId, claim.record);
          if (taken) return this.issueClaimed(institution, request, ctx, taken, read);
        }
        // the holder is at work: wait for its credential (or for it to fail and give the key up)
        throw new IdempotencyInProgressError();
      },
      {
        retryable: (error) => error instanceof IdempotencyInProgressError,
        budgetMs: IDEMPOTENCY_WAIT_MS,
        baseDelayMs: 25,
        maxDelayMs: 500,
        now: this.deps.wait?.now,
        sleep: this.deps.wait?.sleep,
      },
    );
  }

  /**
   * Issues credential `id` under a claimed Idempotency-Key. When issuing fails the key is given
   * up (if still this call's claim), unless the credential was stored after all, by an earlier
   * holder of the key that finished late: then that credential is the answer.
   */
  private async issueClaimed(institution: InstitutionRecord, request: IssueRequest, ctx: IssueContext, claim: Extract<Claim, { held: true }>, read: HeadRead): Promise<IssuedCredential> {
    try {
      return await this.issueOnce(institution, request, ctx, claim.resultId, { read });
    } catch (error) {
      const stored = await this.deps.store.credentials.get(institution.id, claim.resultId, true).catch(() => undefined);
      if (stored) return { id: stored.id, credential: stored.credential, record: stored };
      await this.deps.idempotency.release(institution.id, ctx.idempotencyKey!, claim.claimedAt);
      throw error;
    }
  }

  /**
   * Builds and signs one item of a graduation-run chunk with what the chunk read and reserved
   * for it (no read of the institution, catalogue or status pointer, no index claim, no
   * Idempotency-Key), writing nothing: {@link commitSigned} writes it, with others.
   */
  signPrepared(institution: InstitutionRecord, request: IssueRequest, ctx: IssueContext, prepared: PreparedIssue): Promise<SignedIssue> {
    return this.signOnce(institution, request, { ...ctx, idempotencyKey: undefined }, prepared.id, { prepared });
  }

  /**
   * Commits signed items of a chunk in one transaction (each with its delivery, notice, audit
   * record and outcome): one write request for several credentials. When a condition fails
   * (an item recorded already, by another delivery or by giving the chunk up), each item is
   * committed alone, so the others are still stored. Answers, per item, `stored` when this
   * call stored it (its notice is the one stored) or `recorded` when it had an outcome.
   */
  async commitSigned(items: SignedIssue[]): Promise<Array<'stored' | 'recorded'>> {
    if (items.length === 0) return [];
    try {
      await this.deps.store.commit(
        items.flatMap((item) => item.changes),
        () => new AlreadyRecordedError('of this group'),
      );
      return items.map(() => 'stored');
    } catch (error) {
      if (!(error instanceof AlreadyRecordedError) || items.length === 1) return [await this.commitAlone(items[0]!, error)];
    }
    const outcomes: Array<'stored' | 'recorded'> = [];
    for (const item of items) outcomes.push(await this.commitAlone(item));
    return outcomes;
  }

  /**
   * Commits one signed item. Its credential id is derived and its outcome rides along, so a
   * failed condition means the item is recorded already: by this very write when an earlier
   * attempt took effect and its answer was lost (the stored credential holds this item's
   * status slot, which no other delivery was given), else by someone else.
   */
  private async commitAlone(item: SignedIssue, failed?: unknown): Promise<'stored' | 'recorded'> {
    const { record } = item.issued;
    try {
      if (failed) throw failed;
      await this.deps.store.commit(item.changes, () => new AlreadyRecordedError(record.id));
      return 'stored';
    } catch (error) {
      if (!(error instanceof AlreadyRecordedError)) throw error;
      const stored = await this.deps.store.credentials.get(record.institution, record.id, true);
      return stored?.statusListNumber === record.statusListNumber && stored.statusIndex === record.statusIndex ? 'stored' : 'recorded';
    }
  }

  /**
   * The entries the requests name, resolved as issuing does (latest or asked version; 404 when
   * unknown, 409 when withdrawn), with one batch read of their heads: keyed by {@link entryKey}.
   */
  async resolveEntries(institution: string, requests: IssueRequest[]): Promise<Map<string, CatalogueEntry | Error>> {
    const resolved = new Map<string, CatalogueEntry | Error>();
    const byKind = new Map<CatalogueKind, Set<string>>();
    for (const { achievement } of requests) {
      if (!byKind.has(achievement.type)) byKind.set(achievement.type, new Set());
      byKind.get(achievement.type)!.add(achievement.code);
    }
    const heads = new Map<string, StoredEntry | undefined>();
    for (const [kind, codes] of byKind) {
      const found = await this.deps.store.catalogue.heads(kind, [...codes].map((code) => ({ institution, code })), true);
      for (const code of codes) heads.set(`${kind}/${code}`, found.get(`${institution}/${code}`));
    }
    for (const request of requests) {
      const key = entryKey(request);
      if (resolved.has(key)) continue;
      const { type, code } = request.achievement;
      const entry = await this.entryAt(institution, request, heads.get(`${type}/${code}`)).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      resolved.set(key, entry);
    }
    return resolved;
  }

  /** Issues credential `id`, the entry's head read already. */
  private async issueOnce(institution: InstitutionRecord, request: IssueRequest, ctx: IssueContext, id: string, given: { read: HeadRead }): Promise<IssuedCredential> {
    const signed = await this.signOnce(institution, request, ctx, id, given);
    await this.deps.store.commit(signed.changes);
    if (signed.notice && ctx.deferNotice) ctx.deferNotice(signed.notice);
    else if (signed.notice) await this.deps.notices.dispatch([signed.notice]);
    return signed.issued;
  }

  /** Builds and signs credential `id` and what is committed with it, writing nothing. */
  private async signOnce(institution: InstitutionRecord, request: IssueRequest, ctx: IssueContext, id: string, given: { read: HeadRead } | { prepared: PreparedIssue }): Promise<SignedIssue> {
    const { type, code } = request.achievement;
    const prepared = 'prepared' in given ? given.prepared : undefined;
    const entry = prepared?.entry ?? (await this.entryAt(institution.id, request, 'read' in given ? given.read.head : undefined));
    const achievement = await this.achievementInput(institution, request, entry);
    const now = this.deps.clock.now();
    // VC 2.0: validFrom must not be later than validUntil; a credential expired at issue helps no one
    if (request.validUntil !== undefined && Date.parse(request.validUntil) <= now.getTime()) {
      throw ValidationError.field('validUntil', `must be later than the time of issuing (${now.toISOString()})`);
    }
    const slot = prepared?.slot ?? (await this.deps.status.allocate(institution, id));
    const unsigned = buildOpenBadgeCredential({
      publicUrl: this.deps.publicUrl,
      id,
      issuer: {
        did: institutionDid(this.deps.publicUrl, institution.id),
        name: institution.name,
        url: institution.homepage,
        country: institution.country,
        erasmusCode: institution.erasmusCode,
      },
      recipient: { name: request.recipient.name, did: request.recipient.did, email: request.recipient.email?.trim().toLowerCase() },
      achievement: achievement.input,
      validFrom: now,
      validUntil: request.validUntil,
      result: request.result,
      // a micro-degree names the credentials it was built from, own and recognised
      evidence: [...(request.evidence ?? []), ...(achievement.evidence ?? [])],
      status: this.deps.status.entry(institution.id, slot),
    });
    const credential = (await signAsInstitution(this.deps, institution, unsigned, now)) as unknown as Record<string, unknown>;
    const record: CredentialRecord = {
      id,
      institution: institution.id,
      achievement: { type, institution: institution.id, code, version: entry.version },
      recipient: request.recipient,
      emailHash: request.recipient.email ? emailLookupHash(request.recipient.email) : undefined,
      status: 'active',
      statusListNumber: slot.listNumber,
      statusIndex: slot.index,
      issuedAt: now.toISOString(),
      builtFrom: achievement.builtFrom,
      credential,
    };
    // the delivery and its notice are committed with the credential: a retry that finds the credential finds them too, and writes no second notice
    const email = request.recipient.email;
    const delivery = email && record.emailHash ? this.deps.notices.deliver(institution, { ...record, emailHash: record.emailHash }, email, request.notify !== false) : undefined;
    const changes = [
      this.deps.store.credentials.create(record),
      ...(delivery?.changes ?? []),
      ...(ctx.idempotencyKey ? [this.deps.idempotency.complete(institution.id, ctx.idempotencyKey)] : []),
      this.deps.store.audit.entry(
        auditEntry(ctx, {
          at: record.issuedAt,
          action: 'credential.issue',
          institution: institution.id,
          target: `institutions/${institution.id}/credentials/${id}`,
          details: { achievement: record.achievement, ...(record.builtFrom ? { builtFrom: record.builtFrom } : {}) },
        }),
      ),
    ];
    return { issued: { id, credential, record }, changes: [...changes, ...(prepared?.alongside ?? [])], notice: delivery?.message };
  }

  /** The entry a request names given its head as read: 404 when unknown, 409 when withdrawn. */
  private async entryAt(institution: string, request: IssueRequest, head: StoredEntry | undefined): Promise<CatalogueEntry> {
    const { type, code, version } = request.achievement;
    if (!head) throw new NotFoundError(`${institution} has no ${type} ${code}`);
    if (head.status !== 'active') throw new ConflictError(`${type} ${code} is withdrawn; no new credentials are issued for it`);
    if (version === undefined || version === head.version) return publicEntry(head);
    const frozen = await this.deps.store.catalogue.version(type, institution, code, version);
    if (!frozen) throw new NotFoundError(`${type} ${code} has no version ${version}`);
    return publicEntry(frozen);
  }

  /**
   * The VC API's issue: signs a credential the caller composed (VC 2.0 or VC 1.1), whose issuer
   * must be the institution's DID. When {@link addsStatusEntry} says so (by default a VC 2.0
   * credential without a `credentialStatus` of its own), the credential gets the status entry
   * the exchange's own credentials carry and is recorded under its id, `options.credentialId`
   * or a new `urn:uuid` id (written into it), so that it can be revoked and suspended like any
   * other. A refused credential stores nothing.
   */
  async signComposed(institutionId: string, credential: Record<string, unknown>, ctx: RequestContext, options: ComposedOptions = {}): Promise<Record<string, unknown>> {
    const institution = await requireActiveMember(this.deps.store, institutionId, 'can issue nothing new');
    // a caller-composed credential is canonicalised to be signed: bound its cost first
    assertCredentialBudget(credential, ['credential']);
    const issues = composedShapeIssues(credential);
    if (issues.length) throw new ValidationError(`not a credential that can be signed: ${issues.map((i) => i.field).join(', ')}`, issues);
    const did = institutionDid(this.deps.publicUrl, institutionId);
    const issuer = typeof credential.issuer === 'string' ? credential.issuer : (credential.issuer as { id?: unknown } | undefined)?.id;
    if (issuer !== did) throw ValidationError.field('credential.issuer', `must be ${did}, the DID of ${institutionId}`);
    if (options.credentialId !== undefined && credential.id !== undefined && options.credentialId !== credential.id) {
      throw ValidationError.field('options.credentialId', 'is for a credential without an id; this one has credential.id');
    }
    if (!addsStatusEntry(credential, options.credentialStatus)) return this.signUnrecorded(institution, credential, ctx);

    // as the exchange's own credentials, one without an id (or credentialId) is given one
    const id = options.credentialId ?? (typeof credential.id === 'string' ? credential.id : newCredentialId());
    if (id.length > MAX_RECORDED_ID_LENGTH) throw ValidationError.field('credential.id', `must be at most ${MAX_RECORDED_ID_LENGTH} characters long to be recorded`);
    const composed = credential.id === undefined && options.credentialId === undefined ? { '@context': credential['@context'], id, ...credential } : credential;
    if (await this.deps.store.credentials.get(institutionId, id, true)) {
      throw new ConflictError(`${institutionId} already issued a credential ${id}; a credential id names one credential`);
    }
    // claiming an index is a write: first make sure the credential, its entry included, can be signed
    await this.assertSignable(institution, withStatusEntries(composed, [this.deps.status.entry(institutionId, { listNumber: 1, index: 0 })]));
    const now = this.deps.clock.now();
    const slot = await this.deps.status.allocate(institution, id);
    const signed = (await signAsInstitution(this.deps, institution, withStatusEntries(composed, [this.deps.status.entry(institutionId, slot)]), now)) as Record<string, unknown>;
    const record: CredentialRecord = {
      id,
      institution: institutionId,
      achievement: { type: 'composed', institution: institutionId, code: '', version: 0 },
      recipient: composedRecipient(signed),
      status: 'active',
      statusListNumber: slot.listNumber,
      statusIndex: slot.index,
      issuedAt: now.toISOString(),
      credential: signed,
    };
    await this.deps.store.commit([this.deps.store.credentials.create(record), this.signedComposedAudit(ctx, institutionId, signed, id)]);
    return signed;
  }

  /** Signs a composed credential that carries no status entries of the exchange: nothing to record but the audit. */
  private async signUnrecorded(institution: InstitutionRecord, credential: Record<string, unknown>, ctx: RequestContext): Promise<Record<string, unknown>> {
    const signed = (await signAsInstitution(this.deps, institution, credential)) as Record<string, unknown>;
    await this.deps.store.commit([this.signedComposedAudit(ctx, institution.id, signed, typeof credential.id === 'string' ? credential.id : 'unidentified')]);
    return signed;
  }

  private signedComposedAudit(ctx: RequestContext, institution: string, signed: Record<string, unknown>, id: string) {
    const proofs = Array.isArray(signed.proof) ? signed.proof : [signed.proof];
    return this.deps.store.audit.entry(
      auditEntry(ctx, {
        at: this.deps.clock.now().toISOString(),
        action: 'credential.sign-composed',
        institution,
        target: `institutions/${institution}/vc-api/credentials/${id}`,
        details: { type: signed.type ?? null, verificationMethod: (proofs.at(-1) as { verificationMethod?: string } | undefined)?.verificationMethod ?? null },
      }),
    );
  }

  /**
   * Canonicalises `credential` as signing it would, stopping before the signature: throws the
   * ValidationError signing would (a term no context defines, a context not bundled), at no
   * key vault call.
   */
  private async assertSignable(institution: InstitutionRecord, credential: Record<string, unknown>): Promise<void> {
    const canonicalised = new Error('canonicalised');
    const key = activeKey(institution);
    const dryRun: CredentialSigner = {
      id: `${institutionDid(this.deps.publicUrl, institution.id)}#${key.id}`,
      algorithm: 'Ed25519',
      sign: () => Promise.reject(canonicalised),
    };
    await signCredential(credential, { signer: dryRun, documentLoader: this.deps.documentLoader }).catch((error: unknown) => {
      if (error !== canonicalised) throw error;
    });
  }

  private async achievementInput(
    institution: InstitutionRecord,
    request: IssueRequest,
    entry: CatalogueEntry,
  ): Promise<{ input: AchievementInput; builtFrom?: string[]; evidence?: Array<{ name: string; narrative?: string; url?: string }> }> {
    const { type } = request.achievement;
    const id = this.achievementUrl(type, institution.id, entry.code, entry.version);
    if (type === 'component') {
      const component = entry as CatalogueEntry<'component'>;
      const stackableTowards: LinkedAchievement[] | undefined = component.stackableTowards?.map((ref) => ({
        id: catalogueEntryUrl(this.deps.publicUrl, 'micro-degree', ref.institution, ref.code),
      }));
      return { input: { type, id, entry: component, stackableTowards } };
    }
    if (type === 'badge') return { input: { type, id, entry: entry as CatalogueEntry<'badge'> } };
    const degree = entry as CatalogueEntry<'micro-degree'>;
    const { components, builtFrom, evidence } = await this.degreeBasis(institution.id, degree, request.recipient);
    return { input: { type, id, entry: degree, components }, builtFrom, evidence };
  }

  /**
   * What a micro-degree is built from: component credentials this institution issued to
   * the recipient, plus components recognised for them through transfers. 422 naming what
   * is missing when the requirement is not met.
   */
  private async degreeBasis(institution: string, degree: CatalogueEntry<'micro-degree'> & MicroDegreeBody, recipient: IssueRequest['recipient']) {
    const held = new Map<string, { credentialId: string; ects: number; version?: number }>();
    const lookups: RecipientLookup[] = [];
    if (recipient.did) lookups.push({ kind: 'did', did: recipient.did });
    if (recipient.email) lookups.push({ kind: 'email', emailHash: emailLookupHash(recipient.email) });
    for (const lookup of lookups) {
      for (const record of await this.deps.store.credentials.allForRecipient(institution, lookup)) {
        if (record.achievement.type !== 'component' || record.status !== 'active') continue;
        const credits = (record.credential as { credentialSubject?: { achievement?: { creditsAvailable?: number } } }).credentialSubject?.achievement
          ?.creditsAvailable;
        held.set(`${record.achievement.institution}/${record.achievement.code}`, {
          credentialId: record.id,
          ects: credits ?? 0,
          version: record.achievement.version,
        });
      }
    }
    const recognisedFrom = new Set<string>();
    for (const recognised of await this.recognised(institution, recipient)) {
      // a recognised partner component counts as itself and as the own component it was recognised as
      for (const key of [`${recognised.institution}/${recognised.code}`, ...(recognised.recognisedAs ? [`${institution}/${recognised.recognisedAs}`] : [])]) {
        if (!held.has(key)) {
          held.set(key, { credentialId: recognised.credentialId, ects: recognised.ects });
          recognisedFrom.add(recognised.credentialId);
        }
      }
    }
    const listed = degree.components.map((ref) => ({ ref, key: `${ref.institution}/${ref.code}` }));
    const present = listed.filter(({ key }) => held.has(key));
    const missing = listed.filter(({ key }) => !held.has(key)).map(({ key }) => key);
    const earnedEcts = present.reduce((sum, { key }) => sum + held.get(key)!.ects, 0);
    const requirement = degree.requirement;
    const met =
      requirement.type === 'all'
        ? missing.length === 0
        : requirement.type === 'at-least'
          ? present.length >= requirement.count
          : earnedEcts >= requirement.ects;
    if (!met) {
      const need =
        requirement.type === 'all'
          ? 'every listed component'
          : requirement.type === 'at-least'
            ? `at least ${requirement.count} of the listed components (holds ${present.length})`
            : `at least ${requirement.ects} ECTS from the listed components (holds ${earnedEcts})`;
      throw new UnprocessableError(`the recipient has not met the requirement of micro-degree ${degree.code}: it needs ${need}`, {
        missing,
        held: present.map(({ key }) => key),
      });
    }
    const heads = await this.deps.store.catalogue.heads('component', present.map(({ ref }) => ref));
    const components: LinkedAchievement[] = present.map(({ ref, key }) => {
      const component = heads.get(key) as StoredEntry<'component'> | undefined;
      const version = held.get(key)!.version ?? component?.version ?? 1;
      return {
        id: this.achievementUrl('component', ref.institution, ref.code, version),
        name: component?.title,
        ects: held.get(key)!.ects || component?.ects,
      };
    });
    const evidence = present.map(({ key }) => {
      const { credentialId } = held.get(key)!;
      return {
        url: credentialId,
        name: `Credential for ${key}`,
        narrative: recognisedFrom.has(credentialId)
          ? `Partner credential ${credentialId}, recognised by ${institution} through a transfer`
          : `Component credential ${credentialId} issued by ${institution}`,
      };
    });
    return { components, builtFrom: [...new Set(present.map(({ key }) => held.get(key)!.credentialId))], evidence };
  }

  private async recognised(institution: string, recipient: IssueRequest['recipient']): Promise<RecognisedComponent[]> {
    if (this.deps.recognisedComponents) return this.deps.recognisedComponents(institution, recipient);
    const records = await this.deps.store.transfers.recognitionsOf(institution, {
      emailHash: recipient.email ? emailLookupHash(recipient.email) : undefined,
      did: recipient.did,
    });
    return records.map((r) => ({ institution: r.component.institution, code: r.component.code, ects: r.ects, credentialId: r.credentialId, recognisedAs: r.recognisedAs }));
  }
}
