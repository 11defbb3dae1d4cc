/**
 * Transfers: a student carries credentials to a receiving institution. Each credential is
 * verified in full and must belong to the student; an agreement rule whose conditions hold
 * recognises it at once, anything else goes to a reviewer, and a refusal must name a
 * substantial difference (Lisbon Recognition Convention). When nothing is pending, the
 * receiving institution signs a recognition record.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { assertCredentialBudget, emailMatches, hashEmail, newSalt, RECOGNITION_INLINE_CONTEXT, VC_V2_CONTEXT_URL } from '@cx/credentials';
import {
  actorOf,
  catalogueEntryUrl,
  ConflictError,
  ForbiddenError,
  gradeMeets,
  hashesEqual,
  hashSecret,
  institutionDid,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  ValidationError,
  type AppealBody,
  type Clock,
  type DecisionBody,
  type InstitutionRecord,
  type Persistence,
  type RequestContext,
  type TransferBody,
  type TransferDecision,
  type TransferItem,
  type TransferRecord,
} from '@cx/domain';
import { auditEntry } from './audit-entry.js';
import { requireActiveMember, requireMember } from './membership.js';
import { emailLookupHash } from './issuer.js';
import { signAsInstitution, type SigningDeps } from './signing.js';
import type { CredentialVerifier, VerificationSession } from './verifier.js';

export interface TransferDeps extends SigningDeps {
  store: Persistence;
  clock: Clock;
  verifier: CredentialVerifier;
  /** Keyless submissions allowed per client address per minute. */
  anonymousPerMinute?: number;
}

type Ctx = RequestContext;
type Json = Record<string, unknown>;

const SYSTEM = { kind: 'system', id: 'agreement-rule' };

export class TransferService {
  constructor(private readonly deps: TransferDeps) {}

  transferUrl(id: string): string {
    return `${this.deps.publicUrl}/v1/transfers/${id}`;
  }

  /**
   * Submits a transfer. From a wallet (a VC API exchange), `proof.holderDid` is the DID its
   * presentation proved, and `proof.trackingTokenHash` the tracking token the exchange made
   * for the page that opened it (no new token is made then).
   */
  async submit(
    institutionId: string,
    body: TransferBody,
    ctx: Ctx & { clientAddress: string },
    proof: { holderDid?: string; trackingTokenHash?: string } = {},
  ): Promise<{ transfer: TransferRecord; trackingToken?: string }> {
    const anonymous = ctx.principal.kind === 'anonymous';
    if (anonymous) {
      const allowed = await this.deps.store.transfers.withinRate('transfers', ctx.clientAddress, this.deps.anonymousPerMinute ?? 10, 60, this.deps.clock.now());
      if (!allowed) throw new RateLimitedError('too many transfer requests from this address; wait a minute and retry', { retryAfterSeconds: 60 });
    }
    // every credential within its budget before any is verified: a refusal costs no verification
    body.credentials.forEach((vc, index) => assertCredentialBudget(vc, ['credentials', String(index)]));
    const institution = await requireActiveMember(this.deps.store, institutionId, 'cannot decide transfers now');
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    // the credentials of one transfer share member records and status lists: read each once
    const session = this.deps.verifier.session();
    const items: TransferItem[] = [];
    for (const [index, vc] of body.credentials.entries()) {
      // verifying is CPU work and the session serves repeated reads from memory: let other requests in between credentials
      if (index > 0) await nextTurn();
      items.push(await this.assess(institution, body.student, proof.holderDid, vc, index, seen, now, session));
    }
    const trackingToken = anonymous && !proof.trackingTokenHash ? randomBytes(24).toString('base64url') : undefined;
    const transfer = this.summarise({
      id: randomUUID(),
      institution: institutionId,
      status: 'pending-review',
      student: body.student,
      items,
      totalEctsRecognised: 0,
      submittedBy: actorOf(ctx.principal),
      trackingTokenHash: proof.trackingTokenHash ?? (trackingToken ? hashSecret(trackingToken) : undefined),
      // `/my` lists the student's transfers by it
      studentEmailHash: body.student.email ? emailLookupHash(body.student.email) : undefined,
      revision: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    if (transfer.status === 'decided') transfer.recognitionCredential = await this.recognitionCredential(institution, transfer, now);
    await this.deps.store.commit(
      [
        this.deps.store.transfers.put(transfer),
        ...this.recognitionItems(transfer, items.filter((i) => i.outcome === 'recognised')),
        this.deps.store.audit.entry(
          auditEntry(ctx, {
            at: now.toISOString(),
            action: 'transfer.submit',
            institution: institutionId,
            target: `institutions/${institutionId}/transfers/${transfer.id}`,
            details: { items: items.map((i) => ({ credentialId: i.credentialId, outcome: i.outcome, reason: i.reason })) },
          }),
        ),
      ],
      () => new ConflictError('a credential in this transfer was recognised by another request at the same moment; submit again'),
    );
    return { transfer, trackingToken };
  }

  async get(institutionId: string, transferId: string): Promise<TransferRecord> {
    const transfer = await this.deps.store.transfers.get(transferId, true);
    if (!transfer || transfer.institution !== institutionId) throw new NotFoundError(`${institutionId} has no transfer ${transferId}`);
    return transfer;
  }

  /** The student's view, by tracking token (compared in constant time). */
  async getForStudent(transferId: string, token: string): Promise<TransferRecord> {
    const transfer = await this.deps.store.transfers.get(transferId, true);
    if (!transfer || !transfer.trackingTokenHash || !hashesEqual(hashSecret(token), transfer.trackingTokenHash)) {
      throw new NotFoundError(`no transfer ${transferId} for this tracking token`);
    }
    return transfer;
  }

  async decide(institutionId: string, transferId: string, body: DecisionBody, ctx: Ctx): Promise<TransferRecord> {
    const institution = await requireActiveMember(this.deps.store, institutionId, 'cannot decide transfers now');
    const transfer = await this.get(institutionId, transferId);
    const item = this.item(transfer, body.credentialId);
    if (item.outcome !== 'pending') throw new ConflictError(`credential ${body.credentialId} is already ${item.outcome}; an appeal reopens it`);
    const now = this.deps.clock.now();
    let recognised: TransferItem | undefined;
    if (body.outcome === 'recognised') {
      const ects = body.ects ?? item.source?.ects;
      if (ects === undefined) throw ValidationError.field('ects', 'is required: the credential states no credits');
      if (body.recognisedAs && !(await this.deps.store.catalogue.head('component', institutionId, body.recognisedAs))) {
        throw ValidationError.field('recognisedAs', `${institutionId} has no component ${body.recognisedAs}`);
      }
      if (await this.deps.store.transfers.recognition(institutionId, item.credentialId)) {
        throw new ConflictError(`credential ${item.credentialId} is already recognised for this student at ${institutionId}`);
      }
      recognised = item;
      Object.assign(item, { outcome: 'recognised', ects, recognisedAs: body.recognisedAs, reason: body.justification.explanation });
    } else {
      Object.assign(item, {
        outcome: 'rejected',
        ects: 0,
        recognisedAs: undefined,
        reason: `substantial difference in ${body.justification.difference}: ${body.justification.explanation}`,
      });
    }
    const decision: TransferDecision = {
      outcome: body.outcome,
      ects: item.ects,
      recognisedAs: item.recognisedAs,
      justification: body.justification,
      decidedBy: actorOf(ctx.principal),
      decidedAt: now.toISOString(),
    };
    item.history.push(decision);
    return this.save(institution, transfer, now, ctx, 'transfer.decide', { credentialId: item.credentialId, ...decision }, recognised ? [recognised] : []);
  }

  /**
   * Sends a refused item back to review, marked as appealed; the first decision stays in
   * its history. The student appeals with the tracking token, the institution with its key.
   */
  async appeal(institutionId: string, transferId: string, body: AppealBody, auth: { token?: string } & Ctx): Promise<TransferRecord> {
    const institution = await requireMember(this.deps.store, institutionId);
    let transfer: TransferRecord;
    let by: string;
    if (auth.token !== undefined) {
      transfer = await this.getForStudent(transferId, auth.token);
      if (transfer.institution !== institutionId) throw new NotFoundError(`${institutionId} has no transfer ${transferId}`);
      by = 'student';
    } else {
      if (auth.principal.kind === 'anonymous') throw new UnauthorizedError('appeal with the tracking token, or with the institution’s key');
      if (auth.principal.kind !== 'institution' || auth.principal.institutionId !== institutionId) throw new ForbiddenError(`only ${institutionId} or the student may appeal`);
      transfer = await this.get(institutionId, transferId);
      by = `institution:${institutionId}`;
    }
    const item = this.item(transfer, body.credentialId);
    if (item.outcome !== 'rejected') throw new ConflictError(`credential ${body.credentialId} is ${item.outcome}; only a refusal can be appealed`);
    // an appeal contests a reviewer's judgement; a credential that failed its checks (not verified,
    // someone else's, a duplicate) cannot be recognised on appeal: submit a valid credential instead
    if (!item.history.some((entry) => 'outcome' in entry && entry.outcome === 'rejected')) {
      throw new ConflictError(`credential ${body.credentialId} was refused because it failed a check (${item.reason}); that cannot be appealed, submit a valid credential in a new transfer`);
    }
    const now = this.deps.clock.now();
    Object.assign(item, { outcome: 'pending', ects: 0, appealed: true, appeal: { grounds: body.grounds, at: now.toISOString(), by }, reason: `appealed: ${body.grounds}` });
    item.history.push({ appeal: body.grounds, at: now.toISOString(), by });
    return this.save(institution, transfer, now, auth, 'transfer.appeal', { credentialId: item.credentialId, grounds: body.grounds, by }, []);
  }

  private async save(
    institution: InstitutionRecord,
    transfer: TransferRecord,
    now: Date,
    ctx: Ctx,
    action: string,
    details: Record<string, unknown>,
    recognised: TransferItem[],
  ): Promise<TransferRecord> {
    const previousRevision = transfer.revision;
    const next = this.summarise({ ...transfer, revision: previousRevision + 1, updatedAt: now.toISOString() });
    next.recognitionCredential = next.status === 'decided' ? await this.recognitionCredential(institution, next, now) : undefined;
    await this.deps.store.commit(
      [
        this.deps.store.transfers.put(next, previousRevision),
        ...this.recognitionItems(next, recognised),
        this.deps.store.audit.entry(
          auditEntry(ctx, { at: now.toISOString(), action, institution: institution.id, target: `institutions/${institution.id}/transfers/${transfer.id}`, details }),
        ),
      ],
      (index) =>
        index === 0
          ? new ConflictError(`transfer ${transfer.id} was changed by another request; read it again and retry`)
          : new ConflictError('the credential was recognised by another request at the same moment'),
    );
    return next;
  }

  private summarise(transfer: TransferRecord): TransferRecord {
    const pending = transfer.items.some((i) => i.outcome === 'pending');
    const total = transfer.items.filter((i) => i.outcome === 'recognised').reduce((sum, i) => sum + i.ects, 0);
    return { ...transfer, status: pending ? 'pending-review' : 'decided', totalEctsRecognised: total };
  }

  private item(transfer: TransferRecord, credentialId: string): TransferItem {
    const item = transfer.items.find((i) => i.credentialId === credentialId);
    if (!item) throw new NotFoundError(`transfer ${transfer.id} has no credential ${credentialId}`);
    return item;
  }

  private recognitionItems(transfer: TransferRecord, items: TransferItem[]) {
    return items.map((item) =>
      this.deps.store.transfers.recognise({
        institution: transfer.institution,
        credentialId: item.credentialId,
        transferId: transfer.id,
        // a reviewer may recognise a credential that is no catalogue component (a partner's badge): it has no source
        ...(item.source ? { component: { institution: item.source.institution, code: item.source.code, version: item.source.version } } : {}),
        recognisedAs: item.recognisedAs,
        ects: item.ects,
        emailHash: transfer.student.email ? emailLookupHash(transfer.student.email) : undefined,
        did: transfer.student.did,
        at: transfer.updatedAt,
      }),
    );
  }

  /** Checks one submitted credential and decides it if an agreement rule can. */
  private async assess(
    institution: InstitutionRecord,
    student: TransferBody['student'],
    holderDid: string | undefined,
    raw: unknown,
    index: number,
    seen: Set<string>,
    now: Date,
    session: VerificationSession,
  ): Promise<TransferItem> {
    const vc = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Json;
    const credentialId = typeof vc.id === 'string' && vc.id.length <= 200 ? vc.id : `credentials.${index}`;
    const issuerDid = typeof vc.issuer === 'string' ? vc.issuer : typeof (vc.issuer as Json | undefined)?.id === 'string' ? ((vc.issuer as Json).id as string) : null;
    const subject = (vc.credentialSubject ?? {}) as Json;
    const achievement = (subject.achievement ?? {}) as Json;
    const source = this.sourceOf(achievement, issuerDid, subject);
    const base = { credentialId, issuer: issuerDid, component: source ? `${source.institution}/${source.code}` : null, ects: 0, history: [], source };
    const reject = (reason: string): TransferItem => ({ ...base, outcome: 'rejected', reason });
    const pending = (reason: string): TransferItem => ({ ...base, outcome: 'pending', reason });

    if (seen.has(credentialId)) return reject('duplicate: the same credential appears twice in this transfer');
    seen.add(credentialId);
    const verification = await this.deps.verifier.verify(vc, { session });
    if (!verification.verified) return reject(`not verified: ${verification.errors.join('; ')}`);
    // a DID the student's wallet proved (its presentation's signer) is theirs as much as one they name
    const ownedByDid = [student.did, holderDid].some((did) => did !== undefined && subject.id === did);
    const ownedByEmail = student.email !== undefined && emailMatches(subject.identifier, student.email);
    if (!ownedByDid && !ownedByEmail) return reject('the credential belongs to someone else: neither the DID nor the email hash matches the student');
    // recognitions are keyed by credential id: without one, a credential could count twice, or pass for another
    if (credentialId !== vc.id) return reject('the credential has no id (of up to 200 characters), so it cannot be recognised only once; ask the issuer for one with an id');
    if (verification.issuer?.id === institution.id) return reject(`the credential was issued by ${institution.id} itself; there is nothing to transfer`);
    const existing = await this.deps.store.transfers.recognition(institution.id, credentialId);
    if (existing) return reject(`duplicate: already recognised at ${institution.id} in transfer ${existing.transferId}`);
    if (!source) return pending('not a micro-component of a member catalogue: no agreement rule applies; sent to a reviewer');

    const today = now.toISOString().slice(0, 10);
    const agreements = (await this.deps.store.agreements.between(institution.id, source.institution)).filter(
      (a) => a.validFrom <= today && (!a.validUntil || a.validUntil >= today),
    );
    const match = agreements.flatMap((a) => a.rules.filter((r) => r.partnerComponent === source.code).map((rule) => ({ agreement: a, rule })))[0];
    if (!match) return pending(`no agreement rule of ${institution.id} covers ${source.institution}/${source.code}; sent to a reviewer`);
    const { agreement, rule } = match;
    if (source.version > rule.reviewedVersion) {
      return pending(`the rule in agreement ${agreement.id} was reviewed for version ${rule.reviewedVersion}; this credential is for version ${source.version}; sent to a reviewer`);
    }
    if (rule.minGrade !== undefined && !gradeMeets(source.grade, rule.minGrade, rule.gradeScale)) {
      return pending(`the rule asks for grade ${rule.minGrade} or better; the credential states ${source.grade ?? 'no grade'}; sent to a reviewer`);
    }
    const issuedAt = Date.parse(String(vc.validFrom ?? ''));
    if (rule.maxAgeYears !== undefined && (!Number.isFinite(issuedAt) || now.getTime() - issuedAt > rule.maxAgeYears * 365.25 * 86_400_000)) {
      return pending(`the rule recognises credentials up to ${rule.maxAgeYears} years old; sent to a reviewer`);
    }
    const decision: TransferDecision = {
      outcome: 'recognised',
      ects: rule.recognisedAs.ects,
      recognisedAs: rule.recognisedAs.component,
      justification: { explanation: `recognised under agreement ${agreement.id} (version ${agreement.version})` },
      decidedBy: SYSTEM,
      decidedAt: now.toISOString(),
      rule: { agreement: agreement.id, version: agreement.version, partnerComponent: rule.partnerComponent },
    };
    return {
      ...base,
      outcome: 'recognised',
      ects: rule.recognisedAs.ects,
      recognisedAs: rule.recognisedAs.component,
      reason: decision.justification.explanation,
      history: [decision],
    };
  }

  /** The partner component a credential was issued for, from its achievement's version URL. */
  private sourceOf(achievement: Json, issuerDid: string | null, subject: Json): TransferItem['source'] {
    const id = typeof achievement.id === 'string' ? achievement.id : '';
    const match = new RegExp(`^${escape(this.deps.publicUrl)}/v1/institutions/([a-z0-9-]+)/components/([^/]+)/versions/(\\d+)$`).exec(id);
    if (!match || !issuerDid || issuerDid !== institutionDid(this.deps.publicUrl, match[1]!)) return undefined;
    const results = Array.isArray(subject.result) ? (subject.result as Json[]) : [];
    const grade = results.find((r) => typeof r.value === 'string')?.value as string | undefined;
    const ects = typeof achievement.creditsAvailable === 'number' ? achievement.creditsAvailable : 0;
    return {
      institution: match[1]!,
      code: decodeURIComponent(match[2]!),
      version: Number(match[3]),
      ects,
      grade,
      achievementType: typeof achievement.achievementType === 'string' ? achievement.achievementType : undefined,
      name: typeof achievement.name === 'string' ? achievement.name : undefined,
    };
  }

  /** The recognition record: a VC 2.0 signed by the receiving institution, eddsa-rdfc-2022. */
  private async recognitionCredential(institution: InstitutionRecord, transfer: TransferRecord, now: Date): Promise<Record<string, unknown>> {
    const { student } = transfer;
    const salt = newSalt();
    const component = (item: TransferItem) =>
      item.source ? catalogueEntryUrl(this.deps.publicUrl, 'component', item.source.institution, item.source.code, item.source.version) : undefined;
    // the record's references are IRIs (JSON-LD @id): an item without a usable credential id is named by its place in the transfer
    const reference = (value: string) => (isAbsoluteIri(value) ? value : `${this.transferUrl(transfer.id)}#${encodeURIComponent(value)}`);
    const lastDecision = (item: TransferItem) => [...item.history].reverse().find((h): h is TransferDecision => 'outcome' in h);
    const unsigned = {
      // the recognition context inline: no verifier depends on this deployment being reachable
      '@context': [VC_V2_CONTEXT_URL, RECOGNITION_INLINE_CONTEXT],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', 'RecognitionRecord'],
      issuer: institutionDid(this.deps.publicUrl, institution.id),
      validFrom: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      credentialSubject: {
        ...(student.did ? { id: student.did } : {}),
        type: 'RecognitionSubject',
        studentName: student.name,
        ...(!student.did && student.email ? { studentEmailHash: hashEmail(student.email, salt), studentEmailSalt: salt } : {}),
        transfer: this.transferUrl(transfer.id),
        totalEctsRecognised: transfer.totalEctsRecognised,
        recognisedItems: transfer.items
          .filter((i) => i.outcome === 'recognised')
          .map((i) => ({
            type: 'RecognisedItem',
            originalCredential: reference(i.credentialId),
            ...(i.issuer && isAbsoluteIri(i.issuer) ? { originalIssuer: i.issuer } : {}),
            ...(component(i) ? { partnerComponent: component(i) } : {}),
            ectsRecognised: i.ects,
            ...(i.recognisedAs ? { recognisedAs: i.recognisedAs } : {}),
            justification: lastDecision(i)?.justification.explanation ?? i.reason,
            decidedAt: lastDecision(i)?.decidedAt ?? transfer.updatedAt,
          })),
        rejectedItems: transfer.items
          .filter((i) => i.outcome === 'rejected')
          .map((i) => ({
            type: 'RejectedItem',
            originalCredential: reference(i.credentialId),
            ...(i.issuer && isAbsoluteIri(i.issuer) ? { originalIssuer: i.issuer } : {}),
            ...(component(i) ? { partnerComponent: component(i) } : {}),
            ...(lastDecision(i)?.justification.difference ? { substantialDifference: lastDecision(i)!.justification.difference } : {}),
            justification: lastDecision(i)?.justification.explanation ?? i.reason,
            decidedAt: lastDecision(i)?.decidedAt ?? transfer.updatedAt,
          })),
      },
    };
    return (await signAsInstitution(this.deps, institution, unsigned, now)) as unknown as Record<string, unknown>;
  }
}

/** An absolute IRI as JSON-LD safe mode accepts it for an `@id`: a scheme, then no spaces or delimiters. */
const isAbsoluteIri = (value: string) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(value);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
