export * from './table.js';
export * from './table-change.js';
export * from './table-definition.js';
export * from './keys.js';
export * from './cursor.js';
export * from './institutions.js';
export * from './api-keys.js';
export * from './audit-log.js';
export * from './settings.js';
export * from './store.js';
export * from './catalogue.js';
export * from './credentials.js';
export * from './status-lists.js';
export * from './idempotency.js';
export * from './batches.js';
export * from './agreements.js';
export * from './transfers.js';

// re-exported until core imports them from @cx/domain
export {
  BATCH_CHUNK_BYTES,
  BATCH_CHUNK_SIZE,
  chunkItems,
  publicEntry,
  statusListId,
  type AgreementRecord,
  type ApiKeyRecord,
  type BatchFailure,
  type BatchProgress,
  type BatchRecord,
  type CatalogueQuery,
  type ChunkCount,
  type CredentialRecord,
  type CredentialStatus,
  type IdempotencyRecord,
  type ItemOutcome,
  type KeyOwner,
  type RecipientLookup,
  type RecognisedComponentRecord,
  type RecognitionRecord,
  type StatusListRecord,
  type StatusPurpose,
  type StoredEntry,
  type StoredInstitution,
  type TransferDecision,
  type TransferItem,
  type TransferRecord,
} from '@cx/domain';
