/**
 * Every entity of the single table, declared once: the `entity` and `schemaVersion` its
 * items carry, and the templates its table key and index keys are built from (keys.ts says
 * how templates read, and its table lists these declarations). Repositories take keys and
 * metadata from here and never spell a prefix themselves.
 *
 * The placeholders name the record's own attributes wherever they can, so a repository
 * builds a key from the record it stores (`entities.transfer.key(record)`); the few that
 * are derived (`owner`, `broadField`) are computed by the repository that stores them.
 */
import type { CatalogueKind } from '@cx/domain';
import { defineEntity } from './keys.js';

const catalogueHeadKey = { pk: 'INST#<institution>' } as const;
const own = '<institution>#<code>';

export const entities = {
  institution: defineEntity('institution', {
    entity: 'institution',
    schemaVersion: 1,
    pk: 'INST#<id>',
    sk: 'PROFILE',
    indexes: { gsi1: { pk: 'MEMBERS', sk: 'INST#<id>', purpose: 'the member list, by id' } },
  }),
  apiKey: defineEntity('api-key', {
    entity: 'api-key',
    schemaVersion: 1,
    pk: 'APIKEY#<keyId>',
    sk: 'APIKEY',
    // owner: the institution's id, or -admin for the consortium admin's keys
    indexes: { gsi1: { pk: 'APIKEYS#<owner>', sk: '<keyId>', purpose: "an owner's keys" } },
  }),
  audit: defineEntity('audit', {
    entity: 'audit',
    schemaVersion: 1,
    // institution: the institution concerned, or - for consortium-wide records
    pk: 'AUDIT#<institution>',
    sk: '<at>#<id>',
    indexes: { gsi1: { pk: 'AUDIT', sk: '<at>#<id>', purpose: 'everything, by time' } },
  }),
  setting: defineEntity('setting', { entity: 'setting', schemaVersion: 1, pk: 'CONSORTIUM', sk: '<name>' }),

  component: defineEntity('component', {
    entity: 'catalogue-entry',
    schemaVersion: 1,
    ...catalogueHeadKey,
    sk: 'COMP#<code>',
    indexes: {
      gsi1: { pk: 'COMPS#<status>', sk: own, purpose: 'all components with a status' },
      gsi2: { pk: 'COMPFIELD#<status>#<broadField>', sk: `<iscedField>#<eqfLevel>#${own}`, purpose: 'by ISCED prefix, then level' },
      gsi3: { pk: 'COMPLEVEL#<status>#<eqfLevel>', sk: own, purpose: 'by level' },
    },
  }),
  microDegree: defineEntity('micro-degree', {
    entity: 'catalogue-entry',
    schemaVersion: 1,
    ...catalogueHeadKey,
    sk: 'MD#<code>',
    indexes: {
      gsi1: { pk: 'MDS#<status>', sk: own, purpose: 'all micro-degrees with a status' },
      gsi3: { pk: 'MDLEVEL#<status>#<eqfLevel>', sk: own, purpose: 'by level' },
    },
  }),
  badge: defineEntity('badge', {
    entity: 'catalogue-entry',
    schemaVersion: 1,
    ...catalogueHeadKey,
    sk: 'BADGE#<code>',
    indexes: {
      gsi1: { pk: 'BADGES#<status>', sk: own, purpose: 'all badges with a status' },
      gsi2: { pk: 'BADGECAT#<status>#<category>', sk: own, purpose: 'by category' },
    },
  }),
  componentVersion: defineEntity('component-version', { entity: 'catalogue-version', schemaVersion: 1, ...catalogueHeadKey, sk: 'COMPV#<code>#<version:6>' }),
  microDegreeVersion: defineEntity('micro-degree-version', { entity: 'catalogue-version', schemaVersion: 1, ...catalogueHeadKey, sk: 'MDV#<code>#<version:6>' }),
  badgeVersion: defineEntity('badge-version', { entity: 'catalogue-version', schemaVersion: 1, ...catalogueHeadKey, sk: 'BADGEV#<code>#<version:6>' }),
  // "this component counts towards that micro-degree", for component= searches of micro-degrees
  degreeRef: defineEntity('degree-ref', {
    entity: 'degree-ref',
    schemaVersion: 1,
    pk: 'COMPREF#<componentInstitution>#<componentCode>',
    sk: 'MD#<degreeInstitution>#<degreeCode>',
  }),

  credential: defineEntity('credential', {
    entity: 'credential',
    schemaVersion: 1,
    pk: 'CRED#<institution>#<id>',
    sk: 'CRED',
    // each only when the credential names the recipient that way
    indexes: {
      gsi1: { pk: 'CREDTO#<institution>#email#<emailHash>', sk: '<issuedAt>#<id>', purpose: 'by recipient email hash, newest first' },
      gsi2: { pk: 'CREDTO#<institution>#did#<did>', sk: '<issuedAt>#<id>', purpose: 'by recipient DID, newest first' },
      gsi3: { pk: 'CREDTO#<institution>#sid#<studentId>', sk: '<issuedAt>#<id>', purpose: 'by student id, newest first' },
    },
  }),
  // which list new credentials get their index in; a bare counter, without metadata
  statusListPointer: defineEntity('status-list-pointer', { pk: 'STATUSLISTS#<institution>', sk: 'CURRENT' }),
  statusList: defineEntity('status-list', { entity: 'status-list', schemaVersion: 1, pk: 'STATUSLIST#<institution>#<listId>', sk: 'LIST' }),
  // one per allocated index, never reused
  statusIndex: defineEntity('status-index', { entity: 'status-index', schemaVersion: 1, pk: 'STATUSIDX#<institution>#<listNumber>#<index>', sk: 'IDX' }),
  // a block of 128 indexes reserved by one graduation-run chunk with one write; no index of it is claimed alone afterwards
  statusBlock: defineEntity('status-block', { entity: 'status-block', schemaVersion: 1, pk: 'STATUSBLOCK#<institution>#<listNumber>#<block>', sk: 'BLOCK' }),
  idempotency: defineEntity('idempotency', { entity: 'idempotency', schemaVersion: 1, pk: 'IDEM#<scope>#<key>', sk: 'IDEM' }),

  batch: defineEntity('batch', {
    entity: 'batch',
    schemaVersion: 2,
    pk: 'BATCH#<institution>#<id>',
    sk: 'BATCH',
    // removed when the run finishes: a restarted local exchange (or an operator) resumes what is left
    indexes: { gsi1: { pk: 'BATCHES#OPEN', sk: '<createdAt>#<institution>#<id>', purpose: 'open runs, oldest first' } },
  }),
  batchChunk: defineEntity('batch-chunk', { entity: 'batch-chunk', schemaVersion: 1, pk: 'BATCH#<institution>#<id>', sk: 'CHUNK#<chunk:6>' }),
  batchDone: defineEntity('batch-done', { entity: 'batch-done', schemaVersion: 1, pk: 'BATCH#<institution>#<id>', sk: 'DONE#<index:6>' }),
  batchFailure: defineEntity('batch-failure', { entity: 'batch-failure', schemaVersion: 1, pk: 'BATCH#<institution>#<id>', sk: 'FAIL#<index:6>' }),
  // outcomes counted per chunk (summed when a run is viewed), so items never contend on the head
  batchCount: defineEntity('batch-count', { entity: 'batch-count', schemaVersion: 1, pk: 'BATCH#<institution>#<id>', sk: 'COUNT#<chunk:6>' }),

  agreement: defineEntity('agreement', {
    entity: 'agreement',
    schemaVersion: 1,
    pk: 'INST#<institution>',
    sk: 'AGREEMENT#<id>',
    indexes: {
      gsi1: { pk: 'AGREEMENTS#PARTNER#<partner>', sk: '<institution>#<id>', purpose: 'with a partner' },
      gsi2: { pk: 'AGREEMENTS', sk: '<institution>#<id>', purpose: 'all' },
    },
  }),
  agreementVersion: defineEntity('agreement-version', { entity: 'agreement-version', schemaVersion: 1, pk: 'INST#<institution>', sk: 'AGREEMENTV#<id>#<version:6>' }),
  transfer: defineEntity('transfer', {
    entity: 'transfer',
    schemaVersion: 1,
    pk: 'TRANSFER#<id>',
    sk: 'TRANSFER',
    indexes: {
      gsi1: { pk: 'TRANSFERS#<institution>#<status>', sk: '<createdAt>#<id>', purpose: 'by status, newest first' },
      gsi2: { pk: 'TRANSFERS#<institution>', sk: '<createdAt>#<id>', purpose: 'all, newest first' },
      // only when the student's email was given
      gsi3: { pk: 'TRANSFERSOF#<studentEmailHash>', sk: '<createdAt>#<id>', purpose: 'by student email hash, newest first' },
    },
  }),
  recognition: defineEntity('recognition', {
    entity: 'recognition',
    schemaVersion: 1,
    pk: 'RECOG#<institution>#<credentialId>',
    sk: 'RECOG',
    indexes: {
      gsi1: { pk: 'RECOGTO#<institution>#email#<emailHash>', sk: '<at>#<credentialId>', purpose: 'by student email hash' },
      gsi2: { pk: 'RECOGTO#<institution>#did#<did>', sk: '<at>#<credentialId>', purpose: 'by student DID' },
    },
  }),
  // a counter that DynamoDB TTL removes after its window
  rateWindow: defineEntity('rate-window', { entity: 'rate-window', pk: 'RATE#<scope>#<client>#<window>', sk: 'RATE' }),

  delivery: defineEntity('delivery', {
    entity: 'delivery',
    schemaVersion: 1,
    pk: 'DELIVERY#<institution>#<credentialId>',
    sk: 'DELIVERY',
    indexes: { gsi1: { pk: 'HELD#<emailHash>', sk: '<issuedAt>#<institution>#<credentialId>', purpose: "an address's holdings, newest first" } },
  }),
  // every claim link ever made, the replaced ones too (they answer "expired", not "unknown"), until TTL removes them
  claim: defineEntity('claim', { entity: 'claim', schemaVersion: 1, pk: 'CLAIM#<tokenHash>', sk: 'CLAIM' }),
  notice: defineEntity('notice', {
    entity: 'notice',
    schemaVersion: 1,
    pk: 'NOTICE#<id>',
    sk: 'NOTICE',
    indexes: {
      // only while queued: removed by the first transition, and no transition leads back
      gsi1: { pk: 'NOTICES#QUEUED', sk: '<createdAt>#<id>', purpose: 'queued notices, oldest first' },
      // claim notices only
      gsi2: { pk: 'NOTICESOF#<institution>#<credentialId>', sk: '<createdAt>#<id>', purpose: "a credential's notices, newest first" },
    },
  }),
  share: defineEntity('share', {
    entity: 'share',
    schemaVersion: 1,
    pk: 'SHARE#<id>',
    sk: 'SHARE',
    indexes: { gsi1: { pk: 'SHARESBY#<emailHash>', sk: '<createdAt>#<id>', purpose: "an address's shares, newest first" } },
  }),
  signIn: defineEntity('sign-in', { entity: 'sign-in', schemaVersion: 1, pk: 'SIGNIN#<tokenHash>', sk: 'SIGNIN' }),
  session: defineEntity('session', {
    entity: 'session',
    schemaVersion: 1,
    pk: 'SESSION#<idHash>',
    sk: 'SESSION',
    indexes: { gsi1: { pk: 'SESSIONSOF#<emailHash>', sk: '<createdAt>#<idHash>', purpose: "an address's sessions" } },
  }),

  // wallet grants, by the hash of their secret; TTL removes them after they expire
  grant: defineEntity('grant', { entity: 'grant', schemaVersion: 1, pk: 'GRANT#<kind>#<hash>', sk: 'GRANT' }),
  copy: defineEntity('copy', {
    entity: 'copy',
    schemaVersion: 1,
    pk: 'COPY#<institution>#<copyId>',
    sk: 'COPY',
    indexes: { gsi1: { pk: 'COPIESOF#<institution>#<originalId>', sk: '<issuedAt>#<copyId>', purpose: "a credential's copies, newest first" } },
  }),
} as const;

/** The head and version entities of each catalogue kind. */
export const catalogueEntities = {
  component: { head: entities.component, version: entities.componentVersion },
  'micro-degree': { head: entities.microDegree, version: entities.microDegreeVersion },
  badge: { head: entities.badge, version: entities.badgeVersion },
} as const satisfies Record<CatalogueKind, unknown>;
