/**
 * Credentials a VC API caller composed: which data model they use (VC 2.0, or VC 1.1, which
 * eddsa-rdfc-2022 signs as well), what makes one unsignable, and the status entries the
 * exchange adds to them.
 */
import { checkCredentialShape, STATUS_LIST_V1_CONTEXT_URL, statusEntriesOf, VC_V1_CONTEXT_URL } from '@cx/credentials';
import type { FieldIssue } from '@cx/domain';

type Json = Record<string, unknown>;

/** VC API IssueCredentialOptions.credentialStatus: a status entry wanted, for some purposes. */
export interface StatusOption {
  type: 'BitstringStatusListEntry';
  statusPurpose?: 'revocation' | 'suspension' | Array<'revocation' | 'suspension'>;
}

/** What the VC API's issue takes besides the credential (its IssueCredentialOptions). */
export interface ComposedOptions {
  /** Whether to add the exchange's status entry: by default yes; `[]` for none. */
  credentialStatus?: StatusOption | StatusOption[];
  /** The id to record a credential without an `id` under (the VC API's credentialId). */
  credentialId?: string;
}

/** The purposes a status change can be asked for. */
const PURPOSES: ReadonlyArray<'revocation' | 'suspension'> = ['revocation', 'suspension'];

/** The data model a composed credential uses, by its first context. */
export function vcVersion(credential: Json): '1.1' | '2.0' {
  const context = credential['@context'];
  return Array.isArray(context) && context[0] === VC_V1_CONTEXT_URL ? '1.1' : '2.0';
}

/**
 * Every reason `credential` cannot be signed as it is, each naming its field under
 * `credential.`: the VC data model's rules (VC 2.0, or VC 1.1 with its `issuanceDate`), and in
 * VC 1.1 no VC 2.0 validity dates, which its context does not define.
 */
export function composedShapeIssues(credential: Json): FieldIssue[] {
  const issues = checkCredentialShape(credential, { profile: 'vc' });
  if (vcVersion(credential) === '1.1') {
    for (const field of ['validFrom', 'validUntil'] as const) {
      if (credential[field] !== undefined) issues.push({ field, message: `is a VC 2.0 term; a VC 1.1 credential has ${field === 'validFrom' ? 'issuanceDate' : 'expirationDate'}` });
    }
  }
  return issues.map((issue) => ({ ...issue, field: issue.field ? `credential.${issue.field}` : 'credential' }));
}

/**
 * Whether the exchange adds its status entry (one entry of purpose `message`, which serves
 * revocation and suspension alike): when `options.credentialStatus` asks for one (not `[]`);
 * without the option, to a VC 2.0 credential without a `credentialStatus` of its caller's.
 * Bitstring Status List entries are expressed "in a conforming verifiable credential as defined
 * in [VC-DATA-MODEL-2.0]", so a VC 1.1 credential gets one only when asked (with the status
 * list context that defines its terms there).
 */
export function addsStatusEntry(credential: Json, option: ComposedOptions['credentialStatus']): boolean {
  if (option === undefined) return credential.credentialStatus === undefined && vcVersion(credential) === '2.0';
  return !Array.isArray(option) || option.length > 0;
}

/**
 * `credential` with `entries` added to its `credentialStatus` (after any of the caller's own),
 * and, in VC 1.1, the Bitstring Status List context that defines them.
 */
export function withStatusEntries(credential: Json, entries: readonly object[]): Json {
  if (entries.length === 0) return credential;
  const all = [...statusEntriesOf(credential), ...entries];
  const context = credential['@context'] as unknown[];
  return {
    ...credential,
    ...(vcVersion(credential) === '1.1' && !context.includes(STATUS_LIST_V1_CONTEXT_URL) ? { '@context': [...context, STATUS_LIST_V1_CONTEXT_URL] } : {}),
    credentialStatus: all.length === 1 ? all[0] : all,
  };
}

/**
 * The purposes the status entries of a credential the exchange issued serve: an entry of purpose
 * `message` (one entry for every status) serves both revocation and suspension.
 */
export function servedStatusPurposes(credential: Json): Set<'revocation' | 'suspension'> {
  const served = new Set<'revocation' | 'suspension'>();
  for (const entry of statusEntriesOf(credential)) {
    if (entry?.type !== 'BitstringStatusListEntry') continue;
    if (entry.statusPurpose === 'message') PURPOSES.forEach((purpose) => served.add(purpose));
    else if (entry.statusPurpose === 'revocation' || entry.statusPurpose === 'suspension') served.add(entry.statusPurpose);
  }
  return served;
}
