/**
 * Verifying a credential as the consortium does: its shape, its proof (the key must be
 * one the issuer's DID document lists, retired keys included), the issuer being a member,
 * its revocation and suspension bits, and its validity period. Answers every check in
 * plain words; never throws on what a client sent. Presentations too: the holder's proof
 * and every credential they enclose.
 */
import {
  asList,
  checkCredentialShape,
  checkPresentationShape,
  checkRelatedResources,
  checkValidityPeriod,
  decodeList,
  getBit,
  readMessageStatus,
  statusEntriesOf,
  verifyCredentialProof,
  verifyPresentationProof,
  type DocumentLoader,
} from '@cx/credentials';
import { institutionDidDocument, type Clock, type Persistence, type StatusListRecord, type StoredInstitution } from '@cx/domain';
import { exchangeDocumentLoader, memberIdOfDid } from './document-loader.js';
import { listFingerprint, VerifiedStatusLists } from './verified-status-lists.js';

export type CheckName = 'schema' | 'proof' | 'issuer-member' | 'revocation' | 'suspension' | 'validity-period' | 'related-resources';

export interface Check {
  check: CheckName;
  ok: boolean;
  detail?: string;
  /**
   * On a failed revocation or suspension check whose list could not be read or trusted:
   * `not-checked`, so it is never taken for revoked; `detail` gives the reason.
   */
  outcome?: 'not-checked';
}

/** A status list whose signed credential verified: its purpose and the bits its `encodedList` holds. */
export type CheckedStatusList = { ok: true; purpose: string; bits: Uint8Array } | { ok: false; reason: string };

export interface Verification {
  verified: boolean;
  checks: Check[];
  errors: string[];
  warnings: string[];
  /** The member the issuer DID names, as the member list has it (never the name claimed in the credential). */
  issuer?: { id: string; name: string; did: string; status: string };
}

/** A presentation's own checks: its shape, the holder's proof, and its credentials as a whole. */
export interface PresentationCheck {
  check: 'schema' | 'proof' | 'credentials';
  ok: boolean;
  detail?: string;
}

export interface PresentationVerification {
  verified: boolean;
  checks: PresentationCheck[];
  errors: string[];
  warnings: string[];
  /** Each enclosed credential's verification, in the presentation's order. */
  credentialResults: Verification[];
}

export interface VerifyOptions {
  profile?: 'vc' | 'open-badge';
  session?: VerificationSession;
  /**
   * `required` (the exchange's own routes and pages): a credential verifies only when a member
   * issued it. `reported` (the VC API): membership is a check of its own, shown but not deciding.
   */
  membership?: 'required' | 'reported';
}

export interface VerifierDeps {
  store: Persistence;
  publicUrl: string;
  clock: Clock;
}

type Json = Record<string, unknown>;

/**
 * Reads shared by the verifications of one request (a transfer of up to 50 credentials
 * from a few issuers): each member record and status list is read once, not per credential.
 */
export class VerificationSession {
  private readonly institutions = new Map<string, Promise<StoredInstitution | undefined>>();
  private readonly lists = new Map<string, Promise<StatusListRecord | undefined>>();
  private readonly checkedLists = new Map<string, Promise<CheckedStatusList>>();
  readonly documentLoader: DocumentLoader;

  /**
   * @param verifiedLists lists whose signature verified, by content, kept by the verifier across
   *   requests (see verified-status-lists.ts); a session of its own when absent
   */
  constructor(
    readonly store: Persistence,
    private readonly publicUrl: string,
    private readonly verifiedLists: VerifiedStatusLists = new VerifiedStatusLists(),
  ) {
    this.documentLoader = exchangeDocumentLoader({ store, publicUrl, institution: (id) => this.institution(id) });
  }

  institution(id: string): Promise<StoredInstitution | undefined> {
    let found = this.institutions.get(id);
    if (!found) this.institutions.set(id, (found = this.store.institutions.get(id)));
    return found;
  }

  statusList(institution: string, listId: string): Promise<StatusListRecord | undefined> {
    const key = `${institution}/${listId}`;
    let found = this.lists.get(key);
    if (!found) this.lists.set(key, (found = this.store.statusLists.get(institution, listId, true)));
    return found;
  }

  /**
   * A list as a verifier must take it: its stored credential's signature verified, once per
   * request (a `message` entry serves both the revocation and the suspension check).
   */
  checkedStatusList(institution: string, listId: string, expected: { url: string; issuer: string }, now: Date): Promise<CheckedStatusList> {
    const key = `${institution}/${listId}`;
    let found = this.checkedLists.get(key);
    if (!found) this.checkedLists.set(key, (found = this.checkList(institution, listId, expected, now)));
    return found;
  }

  private async checkList(institution: string, listId: string, expected: { url: string; issuer: string }, now: Date): Promise<CheckedStatusList> {
    // the current list, read on every request: a status change is visible as soon as it is written
    const list = await this.statusList(institution, listId);
    // the same record the document loader builds the DID document from (read once per session)
    const member = await this.institution(institution);
    const didDocument = member ? institutionDidDocument(this.publicUrl, member) : undefined;
    return checkListCredential(list, expected, { documentLoader: this.documentLoader, didDocument, verifiedLists: this.verifiedLists }, now);
  }
}

/**
 * The bits of a stored list, read from its signed `BitstringStatusListCredential` (not from the
 * raw stored bits, which nothing signs): its proof, issuer, id, type and validity checked first.
 */
async function checkListCredential(
  list: StatusListRecord | undefined,
  expected: { url: string; issuer: string },
  { documentLoader, didDocument, verifiedLists }: { documentLoader: DocumentLoader; didDocument: unknown; verifiedLists: VerifiedStatusLists },
  now: Date,
): Promise<CheckedStatusList> {
  if (!list) return { ok: false, reason: `no status list is published at ${expected.url}` };
  const vc = (typeof list.credential === 'object' && list.credential !== null ? list.credential : {}) as Json;
  const issuer = typeof vc.issuer === 'object' && vc.issuer !== null ? (vc.issuer as Json).id : vc.issuer;
  const types = Array.isArray(vc.type) ? vc.type : [vc.type];
  const subject = (typeof vc.credentialSubject === 'object' && vc.credentialSubject !== null ? vc.credentialSubject : {}) as Json;
  if (!types.includes('BitstringStatusListCredential')) return { ok: false, reason: 'the status list is not a BitstringStatusListCredential' };
  if (vc.id !== expected.url) return { ok: false, reason: `the status list names itself ${String(vc.id)}, not ${expected.url}` };
  if (issuer !== expected.issuer) return { ok: false, reason: `the status list is issued by ${String(issuer)}, not by the credential's issuer` };
  // this exact list, checked against this DID document, verified and decoded before: its signature holds still
  const fingerprint = listFingerprint(vc, didDocument);
  const verified = verifiedLists.get(fingerprint);
  if (!verified) {
    let proof;
    try {
      proof = await verifyCredentialProof(vc, { documentLoader });
    } catch (error) {
      // a list too costly to canonicalise is one the verifier could not check, not the client's fault
      return { ok: false, reason: `the status list's signature could not be checked: ${(error as Error).message}` };
    }
    if (!proof.verified) return { ok: false, reason: `the status list's signature does not verify: ${proof.error ?? 'invalid proof'}` };
  }
  // time passes: the validity period is checked on every use, remembered or not
  const validity = checkValidityPeriod({ validFrom: vc.validFrom, validUntil: vc.validUntil }, now);
  if (!validity.ok) return { ok: false, reason: `the status list is not valid now: ${validity.detail}` };
  if (verified) return { ok: true, purpose: verified.purpose, bits: verified.bits };
  try {
    const decoded = { purpose: String(subject.statusPurpose), bits: decodeList(subject.encodedList as string) };
    verifiedLists.remember(fingerprint, decoded);
    return { ok: true, ...decoded };
  } catch (error) {
    return { ok: false, reason: `the status list's encodedList is unreadable: ${(error as Error).message}` };
  }
}

export class CredentialVerifier {
  /** Shared by every request this verifier serves (one per process): see verified-status-lists.ts. */
  private readonly verifiedLists = new VerifiedStatusLists();

  constructor(private readonly deps: VerifierDeps) {}

  /** A session for verifying several credentials in one request. */
  session(): VerificationSession {
    return new VerificationSession(this.deps.store, this.deps.publicUrl, this.verifiedLists);
  }

  async verify(vc: unknown, options: VerifyOptions = {}): Promise<Verification> {
    const session = options.session ?? this.session();
    const checks: Check[] = [];
    const warnings: string[] = [];
    const allIssues = checkCredentialShape(vc, { profile: options.profile ?? 'vc', requireProof: true });
    // related resources get a check of their own, which also names the ones that were not checked
    const shape = allIssues.filter((i) => !i.field.startsWith('relatedResource'));
    checks.push(
      shape.length === 0
        ? { check: 'schema', ok: true }
        : { check: 'schema', ok: false, detail: shape.map((i) => `${i.field || 'credential'}: ${i.message}`).join('; ') },
    );
    const credential = (typeof vc === 'object' && vc !== null ? vc : {}) as Json;
    if (credential.relatedResource !== undefined) checks.push(relatedResourcesCheck(credential.relatedResource, warnings));

    const proof = await verifyCredentialProof(vc, { documentLoader: session.documentLoader });
    checks.push(proof.verified ? { check: 'proof', ok: true, detail: `signed by ${proof.verificationMethod}` } : { check: 'proof', ok: false, detail: proof.error });

    const issuerId = typeof credential.issuer === 'object' && credential.issuer !== null ? (credential.issuer as Json).id : credential.issuer;
    // whatever the credential claims, only a string can name a member
    const issuerDid = typeof issuerId === 'string' ? issuerId : undefined;
    const memberId = issuerDid ? memberIdOfDid(this.deps.publicUrl, issuerDid) : undefined;
    const member = memberId ? await session.institution(memberId) : undefined;
    let issuer: Verification['issuer'];
    if (member) {
      issuer = { id: member.id, name: member.name, did: issuerDid!, status: member.status };
      checks.push({ check: 'issuer-member', ok: true, detail: `${member.name} (${member.id}) is a member of the consortium` });
      if (member.status === 'suspended') warnings.push(`${member.name} is currently suspended; it issued this credential before or regardless of that`);
    } else {
      const detail = issuerDid ? `${issuerDid} is not a member of this consortium` : 'the credential names no issuer';
      checks.push({ check: 'issuer-member', ok: false, detail });
      if (options.membership === 'reported' && issuerDid) warnings.push(detail);
    }

    for (const purpose of ['revocation', 'suspension'] as const) checks.push(await this.statusCheck(credential, purpose, { memberId, issuerDid }, warnings, session));

    // VC 1.1 names its validity period issuanceDate..expirationDate
    const validity = checkValidityPeriod(
      { validFrom: credential.validFrom ?? credential.issuanceDate, validUntil: credential.validUntil ?? credential.expirationDate },
      this.deps.clock.now(),
    );
    checks.push({ check: 'validity-period', ok: validity.ok, detail: validity.detail });

    // under the VC API an issuer outside the consortium is reported, not failed
    const deciding = checks.filter((c) => !(options.membership === 'reported' && c.check === 'issuer-member' && issuerDid));
    const errors = deciding.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail ?? 'failed'}`);
    return { verified: errors.length === 0, checks, errors, warnings, issuer };
  }

  /**
   * Verifies a presentation as the VC API does: its shape; its proofs, when it has any, as the
   * holder's (`authentication`, the `challenge` and `domain` asked for); and every credential it
   * encloses, with membership reported. A presentation without a proof verifies on its
   * credentials alone, unless a challenge or domain was asked for: then nothing carries it.
   */
  async verifyPresentation(vp: unknown, options: { challenge?: string; domain?: string } = {}): Promise<PresentationVerification> {
    const session = this.session();
    const checks: PresentationCheck[] = [];
    const warnings: string[] = [];
    const shape = checkPresentationShape(vp);
    checks.push(
      shape.length === 0
        ? { check: 'schema', ok: true }
        : { check: 'schema', ok: false, detail: shape.map((i) => `${i.field || 'presentation'}: ${i.message}`).join('; ') },
    );
    const presentation = (typeof vp === 'object' && vp !== null && !Array.isArray(vp) ? vp : {}) as Json;

    if (presentation.proof !== undefined && presentation.proof !== null) {
      const proof = await verifyPresentationProof(presentation, { documentLoader: session.documentLoader, ...options });
      checks.push(proof.verified ? { check: 'proof', ok: true, detail: `signed by ${proof.verificationMethod}` } : { check: 'proof', ok: false, detail: proof.error });
    } else if (options.challenge !== undefined || options.domain !== undefined) {
      const asked = options.challenge !== undefined ? 'challenge' : 'domain';
      checks.push({ check: 'proof', ok: false, detail: `the presentation has no proof, so nothing carries the ${asked} asked for` });
    } else {
      warnings.push('the presentation has no proof: its holder is not authenticated');
    }

    const enclosed = asList(presentation.verifiableCredential);
    const credentialResults: Verification[] = [];
    // one at a time: each canonicalisation is CPU work with its own time limit
    for (const credential of enclosed) credentialResults.push(await this.verify(credential, { session, membership: 'reported' }));
    if (enclosed.length > 0) {
      const failed = credentialResults.flatMap((r, index) => (r.verified ? [] : [`credential ${index}: ${r.errors.join('; ')}`]));
      checks.push(
        failed.length === 0
          ? { check: 'credentials', ok: true, detail: `${enclosed.length} credential${enclosed.length === 1 ? '' : 's'} verified` }
          : { check: 'credentials', ok: false, detail: failed.join(' | ') },
      );
    }

    const errors = checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail ?? 'failed'}`);
    return { verified: errors.length === 0, checks, errors, warnings, credentialResults };
  }

  private async statusCheck(
    credential: Json,
    purpose: 'revocation' | 'suspension',
    issuer: { memberId?: string; issuerDid?: string },
    warnings: string[],
    session: VerificationSession,
  ): Promise<Check> {
    const entries = statusEntriesOf(credential);
    // credentials issued before carry one entry per purpose; those issued now one `message` entry for both
    const isEntry = (e: Json, statusPurpose: string) => e && e.type === 'BitstringStatusListEntry' && e.statusPurpose === statusPurpose;
    const entry = entries.find((e) => isEntry(e, purpose)) ?? entries.find((e) => isEntry(e, 'message'));
    if (!entry) {
      warnings.push(`the credential has no ${purpose} status entry`);
      return { check: purpose, ok: true, detail: `no ${purpose} status entry` };
    }
    // every failure below says why the status is unknown: "revoked" is said only of a set bit in a list that verified
    const notChecked = (detail: string): Check => ({ check: purpose, ok: false, detail, outcome: 'not-checked' });
    const prefix = `${this.deps.publicUrl}/status-lists/`;
    const url = typeof entry.statusListCredential === 'string' ? entry.statusListCredential : '';
    const [listInstitution, listId] = url.startsWith(prefix) ? url.slice(prefix.length).split('/') : [];
    // "an arbitrary size integer ... expressed as a string in base 10": never coerced from another form
    if (typeof entry.statusListIndex !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(entry.statusListIndex)) {
      return notChecked(`the ${purpose} status entry's statusListIndex is malformed: not a base-10 integer string`);
    }
    const index = Number(entry.statusListIndex);
    if (!listInstitution || !listId || listInstitution !== issuer.memberId || !issuer.issuerDid) {
      return notChecked(`the ${purpose} list is not one of the issuer's lists on this exchange`);
    }
    const list = await session.checkedStatusList(listInstitution, listId, { url, issuer: issuer.issuerDid }, this.deps.clock.now());
    if (!list.ok) return notChecked(list.reason);
    if (list.purpose !== entry.statusPurpose) {
      return notChecked(`the ${purpose} status entry names a ${String(entry.statusPurpose)} list, but the list's purpose is ${list.purpose}`);
    }
    const message = list.purpose === 'message' ? readMessageStatus(list.bits, index) : undefined;
    if (index >= list.bits.length * 8 || (list.purpose === 'message' && !message)) {
      return notChecked(`the ${purpose} status entry points at no list entry`);
    }
    const set = message ? message === (purpose === 'revocation' ? 'revoked' : 'suspended') : getBit(list.bits, index);
    return set
      ? { check: purpose, ok: false, detail: purpose === 'revocation' ? 'the credential has been revoked' : 'the credential is suspended' }
      : { check: purpose, ok: true, detail: purpose === 'revocation' ? 'not revoked' : 'not suspended' };
  }
}

/**
 * The digests of a credential's related resources: checked against the resources the exchange
 * holds; the others named as not checked (a warning), since the exchange fetches no URL.
 */
function relatedResourcesCheck(relatedResource: unknown, warnings: string[]): Check {
  const { issues, checked, unchecked } = checkRelatedResources(relatedResource);
  if (issues.length > 0) return { check: 'related-resources', ok: false, detail: issues.map((i) => `${i.field}: ${i.message}`).join('; ') };
  if (unchecked.length > 0) warnings.push(`related resources not checked (the exchange fetches no URL): ${unchecked.join(', ')}`);
  const parts = [checked.length ? `digests match for ${checked.join(', ')}` : '', unchecked.length ? `not checked: ${unchecked.join(', ')}` : ''];
  return { check: 'related-resources', ok: true, detail: parts.filter(Boolean).join('; ') };
}
