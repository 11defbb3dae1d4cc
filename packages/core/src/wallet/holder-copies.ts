/**
 * Holder copies: what a wallet receives is the stored credential re-issued to the DID the
 * wallet proved. A copy changes only its `id` and `credentialSubject.id`; everything else
 * (issuer, achievement, result, identifier, validity) is the original's, and so is its one
 * `credentialStatus` entry. Sharing the entry is what ties a copy to its original: revoking
 * or suspending the original changes the one status-list bit every copy names, so no copy
 * needs to be found or changed when the original is.
 */
import { newCredentialId } from '@cx/credentials';
import {
  ConflictError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
  type Clock,
  type CopyRecord,
  type Persistence,
  type RequestContext,
} from '@cx/domain';
import { auditEntry } from '../audit-entry.js';
import { requireActiveMember } from '../membership.js';
import { signAsInstitution, type SigningDeps } from '../signing.js';
import type { HolderCopyIssuer, HolderCopyRequest } from './contracts.js';

export interface HolderCopyDeps extends SigningDeps {
  store: Persistence;
  clock: Clock;
}

/** Longer than any did:key or did:jwk a wallet makes (a P-521 did:jwk is about 300 characters); a key of the store. */
const MAX_HOLDER_DID_LENGTH = 1000;
const DID_KEY = /^did:key:z[1-9A-HJ-NP-Za-km-z]+$/;
const DID_JWK = /^did:jwk:([A-Za-z0-9_-]+)$/;

/**
 * Issues holder copies for the wallet protocols. A suspended original may be copied: its
 * copy names the same status entry, so the copy is suspended too from the moment it is
 * issued, and both come back when the original is reinstated. A revoked one is refused.
 *
 * @example
 * const copy = await holderCopies.issue({ institution: 'uni-a', credentialId, holderDid: 'did:key:z6Mk...', protocol: 'vcapi' }, ctx);
 */
export class HolderCopies implements HolderCopyIssuer {
  constructor(private readonly deps: HolderCopyDeps) {}

  async issue(request: HolderCopyRequest, ctx: RequestContext): Promise<CopyRecord> {
    assertHolderDid(request.holderDid);
    const institution = await requireActiveMember(this.deps.store, request.institution, 'can issue nothing new');
    // consistent: a revocation answered a moment ago must refuse the copy
    const original = await this.deps.store.credentials.get(institution.id, request.credentialId, true);
    if (!original) throw new NotFoundError(`${institution.id} issued no credential ${request.credentialId}`);
    if (original.status === 'revoked') throw new ConflictError(`credential ${original.id} is revoked; a revoked credential is not copied`);

    const now = this.deps.clock.now();
    const copyId = newCredentialId();
    const unsigned = boundCopy(original.credential, copyId, request.holderDid);
    const credential = (await signAsInstitution(this.deps, institution, unsigned, now)) as Record<string, unknown>;
    const record: CopyRecord = {
      institution: institution.id,
      originalId: original.id,
      copyId,
      holderDid: request.holderDid,
      protocol: request.protocol,
      issuedAt: now.toISOString(),
      credential,
    };
    await this.deps.store.commit([
      this.deps.store.copies.create(record),
      this.deps.store.audit.entry(
        auditEntry(ctx, {
          at: record.issuedAt,
          action: 'credential.copy',
          institution: institution.id,
          target: `institutions/${institution.id}/credentials/${original.id}/copies/${copyId}`,
          details: { original: original.id, holderDid: request.holderDid, protocol: request.protocol },
        }),
      ),
    ]);
    return record;
  }
}

/** A did:key, or a did:jwk of a public key: the DIDs wallets prove in DIDAuth and OpenID4VCI proofs. */
function assertHolderDid(did: string): void {
  if (did.length > MAX_HOLDER_DID_LENGTH) throw ValidationError.field('holderDid', `must be at most ${MAX_HOLDER_DID_LENGTH} characters long`);
  if (DID_KEY.test(did)) return;
  const jwk = DID_JWK.exec(did)?.[1];
  if (jwk !== undefined && isPublicJwk(jwk)) return;
  throw ValidationError.field('holderDid', 'must be a did:key or a did:jwk of a public key');
}

function isPublicJwk(encoded: string): boolean {
  try {
    const jwk: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    // a JWK with `d` carries its private key: a wallet that sends one has leaked it
    return typeof jwk === 'object' && jwk !== null && typeof (jwk as { kty?: unknown }).kty === 'string' && !('d' in jwk);
  } catch {
    return false;
  }
}

/**
 * The unsigned copy: a deep copy of the original without its proof, with the new id and
 * the holder as subject. Members keep the original's order; the subject's `id` follows its
 * `type`, as in the credentials the exchange builds.
 */
function boundCopy(original: Record<string, unknown>, copyId: string, holderDid: string): Record<string, unknown> {
  const { proof: _proof, ...unsigned } = structuredClone(original);
  const subject = unsigned.credentialSubject;
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    throw new UnprocessableError(`credential ${String(original.id)} does not have one credentialSubject to bind to a holder`);
  }
  const { type, id: _recipient, ...rest } = subject as Record<string, unknown>;
  return { ...unsigned, id: copyId, credentialSubject: { ...(type === undefined ? {} : { type }), id: holderDid, ...rest } };
}
