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
 */

export interface ItemKey {
  pk: string;
  sk: string;
}

export type IndexKeys = Partial<Record<'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk' | 'gsi3pk' | 'gsi3sk', string>>;

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
} as const;

/** Attribute names that belong to the table's mechanics, not to the stored entity. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity', 'schemaVersion'] as const;

/** The stored entity without the table's key attributes. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}
