/**
 * How every key of the single table is built: entities.ts declares each entity once, with
 * templates for its keys, and {@link defineEntity} turns a declaration into the builders
 * repositories use. No repository spells a key prefix itself.
 *
 * Items carry `entity` and `schemaVersion` attributes so that a later migration can find
 * and upgrade them. Partition keys start with an entity prefix; sort keys are chosen for
 * the order the access pattern needs (ISO timestamps sort chronologically). In a template,
 * `<name>` is the value of an attribute (mostly the record's own) and `<name:6>` a number
 * zero-padded to six digits, so that it sorts as text.
 *
 * The tables below are the declarations of entities.ts; keys.test.ts fails when they differ.
 *
 * | name                 | entity            | v | pk                                             | sk                                  |
 * |----------------------|-------------------|---|------------------------------------------------|-------------------------------------|
 * | institution          | institution       | 1 | INST#<id>                                      | PROFILE                             |
 * | api-key              | api-key           | 1 | APIKEY#<keyId>                                 | APIKEY                              |
 * | audit                | audit             | 1 | AUDIT#<institution>                            | <at>#<id>                           |
 * | setting              | setting           | 1 | CONSORTIUM                                     | <name>                              |
 * | component            | catalogue-entry   | 1 | INST#<institution>                             | COMP#<code>                         |
 * | micro-degree         | catalogue-entry   | 1 | INST#<institution>                             | MD#<code>                           |
 * | badge                | catalogue-entry   | 1 | INST#<institution>                             | BADGE#<code>                        |
 * | component-version    | catalogue-version | 1 | INST#<institution>                             | COMPV#<code>#<version:6>            |
 * | micro-degree-version | catalogue-version | 1 | INST#<institution>                             | MDV#<code>#<version:6>              |
 * | badge-version        | catalogue-version | 1 | INST#<institution>                             | BADGEV#<code>#<version:6>           |
 * | degree-ref           | degree-ref        | 1 | COMPREF#<componentInstitution>#<componentCode> | MD#<degreeInstitution>#<degreeCode> |
 * | credential           | credential        | 1 | CRED#<institution>#<id>                        | CRED                                |
 * | status-list-pointer  | —                 | — | STATUSLISTS#<institution>                      | CURRENT                             |
 * | status-list          | status-list       | 1 | STATUSLIST#<institution>#<listId>              | LIST                                |
 * | status-index         | status-index      | 1 | STATUSIDX#<institution>#<listNumber>#<index>   | IDX                                 |
 * | status-block         | status-block      | 1 | STATUSBLOCK#<institution>#<listNumber>#<block> | BLOCK                               |
 * | idempotency          | idempotency       | 1 | IDEM#<scope>#<key>                             | IDEM                                |
 * | batch                | batch             | 2 | BATCH#<institution>#<id>                       | BATCH                               |
 * | batch-chunk          | batch-chunk       | 1 | BATCH#<institution>#<id>                       | CHUNK#<chunk:6>                     |
 * | batch-done           | batch-done        | 1 | BATCH#<institution>#<id>                       | DONE#<index:6>                      |
 * | batch-failure        | batch-failure     | 1 | BATCH#<institution>#<id>                       | FAIL#<index:6>                      |
 * | batch-count          | batch-count       | 1 | BATCH#<institution>#<id>                       | COUNT#<chunk:6>                     |
 * | agreement            | agreement         | 1 | INST#<institution>                             | AGREEMENT#<id>                      |
 * | agreement-version    | agreement-version | 1 | INST#<institution>                             | AGREEMENTV#<id>#<version:6>         |
 * | transfer             | transfer          | 1 | TRANSFER#<id>                                  | TRANSFER                            |
 * | recognition          | recognition       | 1 | RECOG#<institution>#<credentialId>             | RECOG                               |
 * | rate-window          | rate-window       | — | RATE#<scope>#<client>#<window>                 | RATE                                |
 * | delivery             | delivery          | 1 | DELIVERY#<institution>#<credentialId>          | DELIVERY                            |
 * | claim                | claim             | 1 | CLAIM#<tokenHash>                              | CLAIM                               |
 * | notice               | notice            | 1 | NOTICE#<id>                                    | NOTICE                              |
 * | share                | share             | 1 | SHARE#<id>                                     | SHARE                               |
 * | sign-in              | sign-in           | 1 | SIGNIN#<tokenHash>                             | SIGNIN                              |
 * | session              | session           | 1 | SESSION#<idHash>                               | SESSION                             |
 * | grant                | grant             | 1 | GRANT#<kind>#<hash>                            | GRANT                               |
 * | copy                 | copy              | 1 | COPY#<institution>#<copyId>                    | COPY                                |
 *
 * | index | name         | pk                                      | sk                                           | for                                   |
 * |-------|--------------|-----------------------------------------|----------------------------------------------|---------------------------------------|
 * | gsi1  | institution  | MEMBERS                                 | INST#<id>                                    | the member list, by id                |
 * | gsi1  | api-key      | APIKEYS#<owner>                         | <keyId>                                      | an owner's keys                       |
 * | gsi1  | audit        | AUDIT                                   | <at>#<id>                                    | everything, by time                   |
 * | gsi1  | component    | COMPS#<status>                          | <institution>#<code>                         | all components with a status          |
 * | gsi1  | micro-degree | MDS#<status>                            | <institution>#<code>                         | all micro-degrees with a status       |
 * | gsi1  | badge        | BADGES#<status>                         | <institution>#<code>                         | all badges with a status              |
 * | gsi1  | credential   | CREDTO#<institution>#email#<emailHash>  | <issuedAt>#<id>                              | by recipient email hash, newest first |
 * | gsi1  | batch        | BATCHES#OPEN                            | <createdAt>#<institution>#<id>               | open runs, oldest first               |
 * | gsi1  | agreement    | AGREEMENTS#PARTNER#<partner>            | <institution>#<id>                           | with a partner                        |
 * | gsi1  | transfer     | TRANSFERS#<institution>#<status>        | <createdAt>#<id>                             | by status, newest first               |
 * | gsi1  | recognition  | RECOGTO#<institution>#email#<emailHash> | <at>#<credentialId>                          | by student email hash                 |
 * | gsi1  | delivery     | HELD#<emailHash>                        | <issuedAt>#<institution>#<credentialId>      | an address's holdings, newest first   |
 * | gsi1  | notice       | NOTICES#QUEUED                          | <createdAt>#<id>                             | queued notices, oldest first          |
 * | gsi1  | share        | SHARESBY#<emailHash>                    | <createdAt>#<id>                             | an address's shares, newest first     |
 * | gsi1  | session      | SESSIONSOF#<emailHash>                  | <createdAt>#<idHash>                         | an address's sessions                 |
 * | gsi1  | copy         | COPIESOF#<institution>#<originalId>     | <issuedAt>#<copyId>                          | a credential's copies, newest first   |
 * | gsi2  | component    | COMPFIELD#<status>#<broadField>         | <iscedField>#<eqfLevel>#<institution>#<code> | by ISCED prefix, then level           |
 * | gsi2  | badge        | BADGECAT#<status>#<category>            | <institution>#<code>                         | by category                           |
 * | gsi2  | credential   | CREDTO#<institution>#did#<did>          | <issuedAt>#<id>                              | by recipient DID, newest first        |
 * | gsi2  | agreement    | AGREEMENTS                              | <institution>#<id>                           | all                                   |
 * | gsi2  | transfer     | TRANSFERS#<institution>                 | <createdAt>#<id>                             | all, newest first                     |
 * | gsi2  | recognition  | RECOGTO#<institution>#did#<did>         | <at>#<credentialId>                          | by student DID                        |
 * | gsi2  | notice       | NOTICESOF#<institution>#<credentialId>  | <createdAt>#<id>                             | a credential's notices, newest first  |
 * | gsi3  | component    | COMPLEVEL#<status>#<eqfLevel>           | <institution>#<code>                         | by level                              |
 * | gsi3  | micro-degree | MDLEVEL#<status>#<eqfLevel>             | <institution>#<code>                         | by level                              |
 * | gsi3  | credential   | CREDTO#<institution>#sid#<studentId>    | <issuedAt>#<id>                              | by student id, newest first           |
 * | gsi3  | transfer     | TRANSFERSOF#<studentEmailHash>          | <createdAt>#<id>                             | by student email hash, newest first   |
 *
 * `<owner>` is an institution's id, or `-admin` for the consortium admin's keys; an audit
 * record's `<institution>` is `-` when it concerns no one institution; `<broadField>` is
 * the first two digits of `<iscedField>`. A credential has a recipient index only for the
 * ways it names its recipient (email, DID, student id), a recognition likewise; a batch
 * leaves gsi1 when it finishes. A transfer is on gsi3 only when the student's email was
 * given; a notice is on gsi1 only while `queued` and on gsi2 only when it is a claim notice.
 * Idempotency records, rate windows, sign-in links, sessions and wallet grants expire by
 * TTL, claim links a while after their expiry (so an old link answers "expired" before it
 * is forgotten).
 */
import type { GsiName } from './table-definition.js';

export interface ItemKey {
  pk: string;
  sk: string;
}

export type IndexKeys = Partial<Record<`${GsiName}${'pk' | 'sk'}`, string>>;

/** The names of a template's placeholders: `'INST#<id>#<version:6>'` has `id` and `version`. */
type Placeholder<T extends string> = T extends `${string}<${infer Name}>${infer Rest}`
  ? (Name extends `${infer Base}:${string}` ? Base : Name) | Placeholder<Rest>
  : never;

/** The values a template needs, one per placeholder. */
export type KeyValues<T extends string> = { readonly [K in Placeholder<T>]: string | number };

export interface IndexTemplate {
  readonly pk: string;
  readonly sk: string;
  /** What the index serves this entity for (shown in the key table). */
  readonly purpose: string;
}

export interface EntityModel {
  /** The `entity` attribute of its items; absent for the one bare counter that carries no metadata. */
  readonly entity?: string;
  readonly schemaVersion?: number;
  readonly pk: string;
  readonly sk: string;
  readonly indexes?: Partial<Record<GsiName, IndexTemplate>>;
}

type IndexName<M extends EntityModel> = keyof NonNullable<M['indexes']> & GsiName;
type IndexOf<M extends EntityModel, G extends GsiName> = NonNullable<M['indexes']>[G] & IndexTemplate;

const PLACEHOLDER = /<(\w+)(?::(\d+))?>/g;

/**
 * The template with its placeholders filled in. With `upToMissing`, stops at the first
 * placeholder without a value and answers the text before it: a sort-key prefix.
 */
function fill(template: string, values: Readonly<Record<string, string | number | undefined>>, upToMissing = false): string {
  let out = '';
  let from = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    out += template.slice(from, match.index);
    const [placeholder, name, width] = match;
    const value = values[name!];
    if (value === undefined) {
      if (upToMissing) return out;
      throw new TypeError(`no value for ${placeholder} in key template ${template}`);
    }
    out += width ? String(value).padStart(Number(width), '0') : String(value);
    from = match.index + placeholder.length;
  }
  return out + template.slice(from);
}

/** The key builders of one entity, from its declaration. */
export class EntityDefinition<M extends EntityModel> {
  constructor(
    /** The entity's name in the key table (several definitions may share an `entity` attribute). */
    readonly name: string,
    readonly model: M,
  ) {}

  /** `entity` and `schemaVersion`, as every item of the entity carries them. */
  get metadata(): { entity?: string; schemaVersion?: number } {
    const { entity, schemaVersion } = this.model;
    return { ...(entity === undefined ? {} : { entity }), ...(schemaVersion === undefined ? {} : { schemaVersion }) };
  }

  key(values: KeyValues<M['pk'] | M['sk']>): ItemKey {
    return { pk: fill(this.model.pk, values), sk: fill(this.model.sk, values) };
  }

  partition(values: KeyValues<M['pk']>): string {
    return fill(this.model.pk, values);
  }

  /** The sort key up to the first placeholder not given: `COUNT#` for `COUNT#<chunk:6>`. */
  sortPrefix(values: Partial<KeyValues<M['sk']>>): string {
    return fill(this.model.sk, values, true);
  }

  /** The `gsiNpk`/`gsiNsk` attributes of one of the entity's indexes. */
  index<G extends IndexName<M>>(name: G, values: KeyValues<IndexOf<M, G>['pk'] | IndexOf<M, G>['sk']>): IndexKeys {
    const template = this.indexTemplate(name);
    return { [`${name}pk`]: fill(template.pk, values), [`${name}sk`]: fill(template.sk, values) };
  }

  indexPartition<G extends IndexName<M>>(name: G, values: KeyValues<IndexOf<M, G>['pk']>): string {
    return fill(this.indexTemplate(name).pk, values);
  }

  indexSortPrefix<G extends IndexName<M>>(name: G, values: Partial<KeyValues<IndexOf<M, G>['sk']>>): string {
    return fill(this.indexTemplate(name).sk, values, true);
  }

  private indexTemplate(name: GsiName): IndexTemplate {
    const template = this.model.indexes?.[name];
    if (!template) throw new TypeError(`${this.name} has no index ${name}`);
    return template;
  }
}

/**
 * Declares an entity (entities.ts does, once for each).
 *
 * @example
 * const transfer = defineEntity('transfer', { entity: 'transfer', schemaVersion: 1, pk: 'TRANSFER#<id>', sk: 'TRANSFER' });
 * transfer.key({ id: 't-1' }); // { pk: 'TRANSFER#t-1', sk: 'TRANSFER' }
 */
export function defineEntity<const M extends EntityModel>(name: string, model: M): EntityDefinition<M> {
  return new EntityDefinition(name, model);
}

/** Attribute names that belong to the table's mechanics, not to the stored entity. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity', 'schemaVersion'] as const;

/** The stored entity without the table's key attributes. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete copy[name];
  return copy as T;
}
