/**
 * What the exchange answers. Where @cx/domain has the type it is reused; the rest mirrors
 * the response schemas of the function apps (functions/<area>/src/app.ts), which are not a
 * dependency of the client because they pull in the server.
 */
import type { AuditRecord, CatalogueEntry, FieldIssue, Institution, Page, Recipient } from '@cx/domain';

export type { AuditRecord, Institution, Page };

export type Component = CatalogueEntry<'component'>;
export type MicroDegree = CatalogueEntry<'micro-degree'>;
export type Badge = CatalogueEntry<'badge'>;

/** `POST /v1/institutions` */
export interface Onboarded {
  institution: Institution;
  /** Shown once. */
  apiKey: string;
}

/** `POST /v1/institutions/{id}/api-keys` */
export interface CreatedApiKey {
  id: string;
  /** Shown once. */
  apiKey: string;
}

/** `POST /v1/institutions/{id}/api-keys:revoke-all` */
export interface RevokedApiKeys {
  /** Ids of the keys the call revoked (keys revoked before are not listed). */
  revoked: string[];
}

export type BatchOutcome = 'created' | 'updated' | 'unchanged' | 'invalid' | 'failed';

/** One item's result in `POST /v1/institutions/{id}/components:batch`. */
export interface ComponentBatchResult {
  /** The item's position in the request (or, from `importComponents`, in the whole import). */
  index: number;
  code?: string;
  outcome: BatchOutcome;
  version?: number;
  problem?: { detail: string; errors?: FieldIssue[] };
}

export interface ComponentBatchAnswer {
  results: ComponentBatchResult[];
  summary: Record<BatchOutcome, number>;
}

/** A signed W3C VC 2.0 credential. */
export type VerifiableCredential = Record<string, unknown>;

/** `POST /v1/institutions/{id}/credentials` */
export interface IssuedCredential {
  id: string;
  credential: VerifiableCredential;
}

export type CredentialStatus = 'active' | 'suspended' | 'revoked';

/** An issued credential as its institution sees it. */
export interface CredentialRecord {
  id: string;
  status: CredentialStatus;
  statusReason?: string;
  statusChangedAt?: string;
  achievement: { type: string; institution: string; code: string; version: number };
  recipient: Recipient;
  issuedAt: string;
  builtFrom?: string[];
  credential: VerifiableCredential;
}

export type BatchStatus = 'queued' | 'running' | 'done' | 'done-with-errors';

/** A failed item of a graduation run; `problem` is a problem document. */
export interface BatchItemError {
  index: number;
  problem: { status?: number; title?: string; detail?: string; errors?: FieldIssue[]; [extension: string]: unknown } | unknown;
}

/** `GET /v1/institutions/{id}/credential-batches/{batchId}` */
export interface BatchProgress {
  id: string;
  status: BatchStatus;
  total: number;
  issued: number;
  failed: number;
  createdAt: string;
  /** A page of the failed items (`?limit=&cursor=`). */
  errors: BatchItemError[];
  /** Present when more errors follow. */
  nextCursor?: string;
}

/** `POST /v1/institutions/{id}/credential-batches` */
export interface BatchSubmitted {
  id: string;
  /** `queued`; a repeated start with the same Idempotency-Key answers the first run as it is now. */
  status: BatchStatus;
  total: number;
}

export type CheckName = 'proof' | 'issuer-member' | 'revocation' | 'suspension' | 'validity-period' | 'schema';

export interface VerificationCheck {
  check: CheckName;
  ok: boolean;
  detail?: string;
}

/** `POST /v1/credentials/verify` */
export interface Verification {
  verified: boolean;
  checks: VerificationCheck[];
  errors: string[];
  warnings: string[];
  /** The issuer as the member list names it (never the name claimed in the credential). */
  issuer?: { id: string; name: string; did: string; status: string };
}

export interface AgreementRuleView {
  partnerComponent: string;
  reviewedVersion: number;
  recognisedAs: { component?: string; ects: number };
  minGrade?: string;
  maxAgeYears?: number;
  needsReview: boolean;
  currentVersion: number | null;
}

export interface Agreement {
  institution: string;
  id: string;
  partner: string;
  validFrom: string;
  validUntil?: string;
  notes?: string;
  rules: AgreementRuleView[];
  version: number;
  updatedAt: string;
}

export interface TransferItem {
  credentialId: string;
  issuer: string | null;
  component: string | null;
  outcome: 'recognised' | 'pending' | 'rejected';
  ects: number;
  recognisedAs?: string;
  reason: string;
  appealed?: boolean;
  history: unknown[];
}

export interface Transfer {
  id: string;
  institution: string;
  status: 'decided' | 'pending-review';
  student: Recipient;
  items: TransferItem[];
  totalEctsRecognised: number;
  /** Only in the answer to a keyless (student) submission. */
  trackingToken?: string;
  trackingUrl?: string;
  recognitionCredential?: VerifiableCredential;
  createdAt: string;
  updatedAt: string;
}
