/**
 * Every key of the single table is built here, and only here.
 *
 * Items carry `entity` and `schemaVersion` attributes so that a later migration can find
 * and upgrade them. Partition keys start with an entity prefix; sort keys are chosen for
 * the order the access pattern needs (ISO timestamps sort chronologically).
 *
 * | entity        | pk                    | sk                 | gsi1 (pk / sk)                        |
 * |---------------|-----------------------|--------------------|---------------------------------------|
 * | institution   | INST#<id>             | PROFILE            | MEMBERS / INST#<id>  (member list)    |
 * | api key       | APIKEY#<keyId>        | APIKEY             | INST#<id>#APIKEYS / <keyId>           |
 * | audit record  | AUDIT#<institution|-> | <at>#<id>          | AUDIT / <at>#<id> (everything, by time)|
 * | admin setting | CONSORTIUM            | <name>             |                                       |
 * | catalogue head| INST#<inst>           | <KIND>#<code>      | <KIND>S#<status> / <inst>#<code>      |
 * | entry version | INST#<inst>           | <KIND>V#<code>#<v> |                                       |
 * | degree ref    | COMPREF#<inst>#<code> | MD#<inst>#<code>   |                                       |
 *
 * Catalogue heads (the latest version of an entry) also carry, per kind:
 * - component: gsi2 COMPFIELD#<status>#<broad field> / <field>#<eqf>#<inst>#<code> (search by ISCED
 *   prefix, then level), gsi3 COMPLEVEL#<status>#<eqf> / <inst>#<code> (search by level);
 * - micro-degree: gsi3 MDLEVEL#<status>#<eqf> / <inst>#<code>;
 * - badge: gsi2 BADGECAT#<status>#<category> / <inst>#<code>.
 * A degree ref says "this component counts towards that micro-degree", for `component=` searches.
 *
 * | credential     | CRED#<inst>#<id>               | CRED         | gsi1/2/3: CREDTO#<inst>#email|did|sid#<v> / <issuedAt>#<id> |
 * | status pointer | STATUSLISTS#<inst>             | CURRENT      | which list new credentials get indexes in           |
 * | status list    | STATUSLIST#<inst>#<listId>     | LIST         | bits + the signed BitstringStatusListCredential     |
 * | status index   | STATUSIDX#<inst>#<list>#<i>    | IDX          | one per allocated index: never reused               |
 * | idempotency    | IDEM#<inst>#<key>              | IDEM         | request hash + the credential it produced (TTL)     |
 * | batch          | BATCH#<inst>#<id>              | BATCH, CHUNK#<n>, COUNT#<n>, DONE#<i>, FAIL#<i>; gsi1 BATCHES#OPEN / <at>#<inst>#<id> until finished |
 * | agreement      | INST#<inst>                    | AGREEMENT#<id> | gsi1 AGREEMENTS#PARTNER#<partner> / <inst>#<id>; gsi2 AGREEMENTS / <inst>#<id> |
 * | agreement ver. | INST#<inst>                    | AGREEMENTV#<id>#<v> |                                                |
 * | transfer       | TRANSFER#<id>                  | TRANSFER     | gsi1 TRANSFERS#<inst>#<status> / <at>#<id>; gsi2 TRANSFERS#<inst> / <at>#<id> |
 * | recognition    | RECOG#<inst>#<credentialId>    | RECOG        | gsi1/2: RECOGTO#<inst>#email|did#<v> / <at>#<credentialId> |
 * | rate window    | RATE#<scope>#<client>#<window> | RATE         | a counter with a TTL                                |
 */
import type { CatalogueKind, EntryStatus } from '@cx/domain';

export interface ItemKey {
  pk: string;
  sk: string;
}

export type IndexKeys = Partial<Record<'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk' | 'gsi3pk' | 'gsi3sk', string>>;

const KIND_PREFIX: Record<CatalogueKind, string> = { component: 'COMP', 'micro-degree': 'MD', badge: 'BADGE' };

type EntryRefKey = { institution: string; code: string };

/** The partition listing every entry of a kind with a status, ordered by institution and code. */
function catalogueAll(kind: CatalogueKind, status: EntryStatus): string {
  return `${KIND_PREFIX[kind]}S#${status}`;
}

function componentsByBroadField(status: EntryStatus, broadField: string): string {
  return `COMPFIELD#${status}#${broadField}`;
}

function byLevel(kind: 'component' | 'micro-degree', status: EntryStatus, eqfLevel: number): string {
  return `${kind === 'component' ? 'COMPLEVEL' : 'MDLEVEL'}#${status}#${eqfLevel}`;
}

function badgesByCategory(status: EntryStatus, category: string): string {
  return `BADGECAT#${status}#${category}`;
}

function degreeRefPartition(component: EntryRefKey): string {
  return `COMPREF#${component.institution}#${component.code}`;
}

/** What the catalogue indexes are built from. */
export interface SearchableEntry {
  institution: string;
  code: string;
  status: EntryStatus;
  iscedField?: string;
  eqfLevel?: number;
  category?: string;
}

function catalogueIndexes(kind: CatalogueKind, entry: SearchableEntry): IndexKeys {
  const own = `${entry.institution}#${entry.code}`;
  const all = { gsi1pk: catalogueAll(kind, entry.status), gsi1sk: own };
  switch (kind) {
    case 'component':
      return {
        ...all,
        gsi2pk: componentsByBroadField(entry.status, entry.iscedField!.slice(0, 2)),
        gsi2sk: `${entry.iscedField}#${entry.eqfLevel}#${own}`,
        gsi3pk: byLevel('component', entry.status, entry.eqfLevel!),
        gsi3sk: own,
      };
    case 'micro-degree':
      return { ...all, gsi3pk: byLevel('micro-degree', entry.status, entry.eqfLevel!), gsi3sk: own };
    case 'badge':
      return { ...all, gsi2pk: badgesByCategory(entry.status, entry.category!), gsi2sk: own };
  }
}

export const keys = {
  institution: (id: string): ItemKey => ({ pk: `INST#${id}`, sk: 'PROFILE' }),
  institutionIndexes: (id: string): IndexKeys => ({ gsi1pk: 'MEMBERS', gsi1sk: `INST#${id}` }),
  memberListPartition: 'MEMBERS',

  apiKey: (keyId: string): ItemKey => ({ pk: `APIKEY#${keyId}`, sk: 'APIKEY' }),
  apiKeyIndexes: (owner: string, keyId: string): IndexKeys => ({ gsi1pk: `APIKEYS#${owner}`, gsi1sk: keyId }),

  audit: (at: string, id: string, institution?: string): ItemKey => ({
    pk: `AUDIT#${institution ?? '-'}`,
    sk: `${at}#${id}`,
  }),
  auditIndexes: (at: string, id: string): IndexKeys => ({ gsi1pk: 'AUDIT', gsi1sk: `${at}#${id}` }),
  auditPartition: (institution: string): string => `AUDIT#${institution}`,
  auditAllPartition: 'AUDIT',

  consortiumSetting: (name: string): ItemKey => ({ pk: 'CONSORTIUM', sk: name }),

  catalogueHead: (kind: CatalogueKind, institution: string, code: string): ItemKey => ({
    pk: `INST#${institution}`,
    sk: `${KIND_PREFIX[kind]}#${code}`,
  }),
  catalogueVersion: (kind: CatalogueKind, institution: string, code: string, version: number): ItemKey => ({
    pk: `INST#${institution}`,
    sk: `${KIND_PREFIX[kind]}V#${code}#${String(version).padStart(6, '0')}`,
  }),
  catalogueAll,
  componentsByBroadField,
  byLevel,
  badgesByCategory,
  catalogueIndexes,
  degreeRef: (component: EntryRefKey, degree: EntryRefKey): ItemKey => ({
    pk: degreeRefPartition(component),
    sk: `MD#${degree.institution}#${degree.code}`,
  }),
  degreeRefPartition,

  credential: (institution: string, id: string): ItemKey => ({ pk: `CRED#${institution}#${id}`, sk: 'CRED' }),
  /** Recipient lookups of an institution's credentials: by email hash (gsi1), DID (gsi2), student id (gsi3). */
  credentialRecipientPartition: (institution: string, kind: 'email' | 'did' | 'sid', value: string): string => `CREDTO#${institution}#${kind}#${value}`,
  statusListPointer: (institution: string): ItemKey => ({ pk: `STATUSLISTS#${institution}`, sk: 'CURRENT' }),
  statusList: (institution: string, listId: string): ItemKey => ({ pk: `STATUSLIST#${institution}#${listId}`, sk: 'LIST' }),
  statusIndex: (institution: string, listNumber: number, index: number): ItemKey => ({
    pk: `STATUSIDX#${institution}#${listNumber}#${index}`,
    sk: 'IDX',
  }),
  idempotency: (institution: string, key: string): ItemKey => ({ pk: `IDEM#${institution}#${key}`, sk: 'IDEM' }),
  batch: (institution: string, id: string): ItemKey => ({ pk: `BATCH#${institution}#${id}`, sk: 'BATCH' }),
  batchPartition: (institution: string, id: string): string => `BATCH#${institution}#${id}`,
  /** Batches not yet finished, oldest first: a restarted local exchange (or an operator) resumes them. */
  openBatchIndexes: (institution: string, id: string, createdAt: string): IndexKeys => ({ gsi1pk: 'BATCHES#OPEN', gsi1sk: `${createdAt}#${institution}#${id}` }),
  openBatchesPartition: 'BATCHES#OPEN',
  batchChunk: (institution: string, id: string, chunk: number): ItemKey => ({ pk: `BATCH#${institution}#${id}`, sk: `CHUNK#${pad(chunk)}` }),
  batchDone: (institution: string, id: string, index: number): ItemKey => ({ pk: `BATCH#${institution}#${id}`, sk: `DONE#${pad(index)}` }),
  batchFailure: (institution: string, id: string, index: number): ItemKey => ({ pk: `BATCH#${institution}#${id}`, sk: `FAIL#${pad(index)}` }),
  /** Outcomes counted per chunk (summed when a run is viewed), so items never contend on the head. */
  batchChunkCount: (institution: string, id: string, chunk: number): ItemKey => ({ pk: `BATCH#${institution}#${id}`, sk: `COUNT#${pad(chunk)}` }),
  batchDonePrefix: 'DONE#',
  batchFailurePrefix: 'FAIL#',
  batchChunkCountPrefix: 'COUNT#',

  agreement: (institution: string, id: string): ItemKey => ({ pk: `INST#${institution}`, sk: `AGREEMENT#${id}` }),
  agreementVersion: (institution: string, id: string, version: number): ItemKey => ({ pk: `INST#${institution}`, sk: `AGREEMENTV#${id}#${pad(version)}` }),
  agreementIndexes: (institution: string, id: string, partner: string): IndexKeys => ({
    gsi1pk: `AGREEMENTS#PARTNER#${partner}`,
    gsi1sk: `${institution}#${id}`,
    gsi2pk: 'AGREEMENTS',
    gsi2sk: `${institution}#${id}`,
  }),
  agreementsWithPartner: (partner: string): string => `AGREEMENTS#PARTNER#${partner}`,
  agreementsAll: 'AGREEMENTS',

  transfer: (id: string): ItemKey => ({ pk: `TRANSFER#${id}`, sk: 'TRANSFER' }),
  transferIndexes: (institution: string, status: string, at: string, id: string): IndexKeys => ({
    gsi1pk: `TRANSFERS#${institution}#${status}`,
    gsi1sk: `${at}#${id}`,
    gsi2pk: `TRANSFERS#${institution}`,
    gsi2sk: `${at}#${id}`,
  }),
  transfersByStatus: (institution: string, status: string): string => `TRANSFERS#${institution}#${status}`,
  transfersAll: (institution: string): string => `TRANSFERS#${institution}`,

  recognition: (institution: string, credentialId: string): ItemKey => ({ pk: `RECOG#${institution}#${credentialId}`, sk: 'RECOG' }),
  recognitionRecipientPartition: (institution: string, kind: 'email' | 'did', value: string): string => `RECOGTO#${institution}#${kind}#${value}`,

  rateWindow: (scope: string, client: string, window: string): ItemKey => ({ pk: `RATE#${scope}#${client}#${window}`, sk: 'RATE' }),
} as const;

const pad = (n: number) => String(n).padStart(6, '0');


/** Attribute names that belong to the table's mechanics, not to the stored entity. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity', 'schemaVersion'] as const;

/** The stored entity without the table's key attributes. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}
