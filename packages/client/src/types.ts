/**
 * What the exchange answers, derived from the API contract's response schemas
 * (`@cx/contract`), so the client cannot drift from the server. Types only: the client
 * imports nothing of the contract at run time, and so nothing of hono or the server.
 */
import type {
  agreementRuleViewSchema,
  agreementViewSchema,
  apiKeyCreatedSchema,
  apiKeysRevokedSchema,
  batchStatusSchema,
  batchSubmittedSchema,
  batchViewSchema,
  componentBatchResultSchema,
  credentialViewSchema,
  issuedCredentialSchema,
  noticeViewSchema,
  onboardedSchema,
  transferItemViewSchema,
  transferViewSchema,
  verifiableCredentialSchema,
  verificationCheckSchema,
  verificationSchema,
  whoAmISchema,
} from '@cx/contract';
import type { AuditRecord, CatalogueEntry, Institution, Page } from '@cx/domain';
import type { z } from 'zod';

export type { AuditRecord, Institution, Page };

export type Component = CatalogueEntry<'component'>;
export type MicroDegree = CatalogueEntry<'micro-degree'>;
export type Badge = CatalogueEntry<'badge'>;

/** `GET /v1/me`: who the calling key acts for. */
export type WhoAmI = z.infer<typeof whoAmISchema>;

/** `POST /v1/institutions`: the member and its first API key (shown once). */
export type Onboarded = z.infer<typeof onboardedSchema>;

/** `POST /v1/institutions/{id}/api-keys`: the new key (shown once). */
export type CreatedApiKey = z.infer<typeof apiKeyCreatedSchema>;

/** `POST /v1/institutions/{id}/api-keys:revoke-all`: the ids of the keys the call revoked (not those revoked before). */
export type RevokedApiKeys = z.infer<typeof apiKeysRevokedSchema>;

/** `POST /v1/institutions/{id}/components:batch` */
export type ComponentBatchAnswer = z.infer<typeof componentBatchResultSchema>;

/** One item's result; `index` is its position in the request (or, from `importComponents`, in the whole import). */
export type ComponentBatchResult = ComponentBatchAnswer['results'][number];

export type BatchOutcome = ComponentBatchResult['outcome'];

/** A signed W3C VC 2.0 credential. */
export type VerifiableCredential = z.infer<typeof verifiableCredentialSchema>;

/** `POST /v1/institutions/{id}/credentials` */
export type IssuedCredential = z.infer<typeof issuedCredentialSchema>;

/** An issued credential as its institution sees it. */
export type CredentialRecord = z.infer<typeof credentialViewSchema>;

export type CredentialStatus = CredentialRecord['status'];

/** A notice of a credential to its student, and what became of it (`GET .../credentials/{credentialId}/notices`). */
export type CredentialNotice = z.infer<typeof noticeViewSchema>;

/** `POST .../credentials/{credentialId}/notices`: the new notice, queued. */
export type QueuedNotice = Pick<CredentialNotice, 'id' | 'state' | 'createdAt'>;

export type BatchStatus = z.infer<typeof batchStatusSchema>;

/** `GET /v1/institutions/{id}/credential-batches/{batchId}`: progress, and a page of the failed items (`?limit=&cursor=`). */
export type BatchProgress = z.infer<typeof batchViewSchema>;

/** A failed item of a graduation run; `problem` is a problem document. */
export type BatchItemError = BatchProgress['errors'][number];

/** `POST /v1/institutions/{id}/credential-batches`: `queued`; a repeated start with the same Idempotency-Key answers the first run as it is now. */
export type BatchSubmitted = z.infer<typeof batchSubmittedSchema>;

export type VerificationCheck = z.infer<typeof verificationCheckSchema>;

export type CheckName = VerificationCheck['check'];

/** `POST /v1/credentials/verify`: every check, and the verdict. */
export type Verification = z.infer<typeof verificationSchema>;

export type AgreementRuleView = z.infer<typeof agreementRuleViewSchema>;

export type Agreement = z.infer<typeof agreementViewSchema>;

export type TransferItem = z.infer<typeof transferItemViewSchema>;

/** A transfer; `trackingToken` only in the answer to a keyless (student) submission. */
export type Transfer = z.infer<typeof transferViewSchema>;
