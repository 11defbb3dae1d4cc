/**
 * Verifying a credential as the consortium does: its shape, its proof (the key must be
 * one the issuer's DID document lists, retired keys included), the issuer being a member,
 * its revocation and suspension bits, and its validity period. Answers every check in
 * plain words; never throws on what a client sent.
 */
import { checkCredentialShape, checkValidityPeriod, getBit, verifyCredentialProof, type DocumentLoader } from '@cx/credentials';
import type { Clock, Persistence, StatusListRecord, StoredInstitution } from '@cx/domain';
import { exchangeDocumentLoader, memberIdOfDid } from './document-loader.js';

export type CheckName = 'schema' | 'proof' | 'issuer-member' | 'revocation' | 'suspension' | 'validity-period';

export interface Check {
  check: CheckName;
  ok: boolean;
  detail?: string;
}

export interface Verification {
  verified: boolean;
  checks: Check[];
  errors: string[];
  warnings: string[];
  /** The member the issuer DID names, as the member list has it (never the name claimed in the credential). */
  issuer?: { id: string; name: string; did: string; status: string };
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
  readonly documentLoader: DocumentLoader;

  constructor(readonly store: Persistence, publicUrl: string) {
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
}

export class CredentialVerifier {
  constructor(private readonly deps: VerifierDeps) {}

  /** A session for verifying several credentials in one request. */
  session(): VerificationSession {
    return new VerificationSession(this.deps.store, this.deps.publicUrl);
  }

  async verify(vc: unknown, options: { profile?: 'vc' | 'open-badge'; session?: VerificationSession } = {}): Promise<Verification> {
    const session = options.session ?? this.session();
    const checks: Check[] = [];
    const warnings: string[] = [];
    const shape = checkCredentialShape(vc, { profile: options.profile ?? 'vc', requireProof: true });
    checks.push(
      shape.length === 0
        ? { check: 'schema', ok: true }
        : { check: 'schema', ok: false, detail: shape.map((i) => `${i.field || 'credential'}: ${i.message}`).join('; ') },
    );
    const credential = (typeof vc === 'object' && vc !== null ? vc : {}) as Json;

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
      checks.push({ check: 'issuer-member', ok: false, detail: issuerDid ? `${issuerDid} is not a member of this consortium` : 'the credential names no issuer' });
    }

    for (const purpose of ['revocation', 'suspension'] as const) checks.push(await this.statusCheck(credential, purpose, memberId, warnings, session));

    const validity = checkValidityPeriod(credential as { validFrom?: unknown; validUntil?: unknown }, this.deps.clock.now());
    checks.push({ check: 'validity-period', ok: validity.ok, detail: validity.detail });

    const errors = checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail ?? 'failed'}`);
    return { verified: errors.length === 0, checks, errors, warnings, issuer };
  }

  private async statusCheck(
    credential: Json,
    purpose: 'revocation' | 'suspension',
    memberId: string | undefined,
    warnings: string[],
    session: VerificationSession,
  ): Promise<Check> {
    const entries = (Array.isArray(credential.credentialStatus) ? credential.credentialStatus : credential.credentialStatus ? [credential.credentialStatus] : []) as Json[];
    const entry = entries.find((e) => e && e.type === 'BitstringStatusListEntry' && e.statusPurpose === purpose);
    if (!entry) {
      warnings.push(`the credential has no ${purpose} status entry`);
      return { check: purpose, ok: true, detail: `no ${purpose} status entry` };
    }
    const prefix = `${this.deps.publicUrl}/status-lists/`;
    const url = typeof entry.statusListCredential === 'string' ? entry.statusListCredential : '';
    const [listInstitution, listId] = url.startsWith(prefix) ? url.slice(prefix.length).split('/') : [];
    const index = Number(entry.statusListIndex);
    if (!listInstitution || !listId || listInstitution !== memberId) {
      return { check: purpose, ok: false, detail: `the ${purpose} list is not one of the issuer's lists on this exchange` };
    }
    const list = await session.statusList(listInstitution, listId);
    if (!list || list.purpose !== purpose || !Number.isInteger(index) || index < 0 || index >= Buffer.from(list.bits, 'base64').length * 8) {
      return { check: purpose, ok: false, detail: `the ${purpose} status entry points at no list entry` };
    }
    const set = getBit(new Uint8Array(Buffer.from(list.bits, 'base64')), index);
    return set
      ? { check: purpose, ok: false, detail: purpose === 'revocation' ? 'the credential has been revoked' : 'the credential is suspended' }
      : { check: purpose, ok: true, detail: purpose === 'revocation' ? 'not revoked' : 'not suspended' };
  }
}
