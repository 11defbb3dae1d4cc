/**
 * Publishing, versioning, withdrawing and searching catalogue entries. An entry's version
 * changes only when its content does; every version stays readable forever, because
 * credentials freeze the version they were issued for.
 */
import {
  checkIfMatchVersion,
  contentHash,
  ConflictError,
  entryBytes,
  MAX_DEGREE_COMPONENTS,
  MAX_SEARCH_PAGE_BYTES,
  MAX_STORED_ENTRY_BYTES,
  NotFoundError,
  PreconditionFailedError,
  requirementProblem,
  searchTextOf,
  ValidationError,
  type CatalogueEntry,
  type CatalogueKind,
  type Clock,
  type EntryBody,
  type EntryRef,
  type FieldIssue,
  type MicroDegreeBody,
  type Page,
  type Persistence,
  publicEntry,
  type CatalogueQuery,
  type RequestContext,
  type StoredEntry,
} from '@cx/domain';
import { auditEntry } from './audit-entry.js';
import { requireActiveMember } from './membership.js';

export type PutOutcome = 'created' | 'updated' | 'unchanged';

export interface PutResult<K extends CatalogueKind> {
  entry: CatalogueEntry<K>;
  outcome: PutOutcome;
}

const LABEL: Record<CatalogueKind, string> = { component: 'component', 'micro-degree': 'micro-degree', badge: 'badge' };

export class CatalogueService {
  constructor(private readonly deps: { store: Persistence; clock: Clock }) {}

  /** The institution must be an active member to publish. */
  async assertCanPublish(institutionId: string): Promise<void> {
    await requireActiveMember(this.deps.store, institutionId, 'cannot publish; its entries stay readable');
  }

  async put<K extends CatalogueKind>(
    kind: K,
    institution: string,
    code: string,
    body: EntryBody<K>,
    ifMatch: string | undefined,
    ctx: RequestContext,
    checkedMember = false,
  ): Promise<PutResult<K>> {
    if (!checkedMember) await this.assertCanPublish(institution);
    const derived = kind === 'micro-degree' ? await this.degreeTotals(body as MicroDegreeBody) : {};
    const previous = await this.deps.store.catalogue.head(kind, institution, code, true);
    checkIfMatchVersion(ifMatch, previous?.version);

    const content = { ...body, ...derived };
    const hash = contentHash(content);
    if (previous && previous.contentHash === hash && previous.status === 'active') {
      return { entry: publicEntry(previous), outcome: 'unchanged' };
    }
    const now = this.deps.clock.now().toISOString();
    const version = !previous ? 1 : previous.contentHash === hash ? previous.version : previous.version + 1;
    const next = {
      ...content,
      institution,
      code,
      version,
      status: 'active',
      updatedAt: now,
      contentHash: hash,
      searchText: searchTextOf(body),
    } as unknown as StoredEntry<K>;
    assertStorable(next);

    const alongside = [
      this.deps.store.audit.entry(
        auditEntry(ctx, {
          at: now,
          action: `catalogue.${kind}.publish`,
          institution,
          target: `institutions/${institution}/${kind}s/${code}`,
          details: { version, previousVersion: previous?.version ?? null, reactivated: previous?.status === 'withdrawn' || undefined },
        }),
      ),
    ];
    if (kind === 'micro-degree') alongside.push(...this.degreeRefChanges({ institution, code }, body as MicroDegreeBody, previous as StoredEntry<'micro-degree'> | undefined));
    try {
      await this.deps.store.catalogue.write(kind, next, previous, alongside);
    } catch (error) {
      // another editor changed the entry after it was read: with If-Match, that is the precondition failing
      if (ifMatch !== undefined && error instanceof ConflictError) {
        throw new PreconditionFailedError(`If-Match no longer matches: ${kind} ${institution}/${code} was changed meanwhile; read it again`);
      }
      throw error;
    }
    return { entry: publicEntry(next), outcome: previous ? 'updated' : 'created' };
  }

  async withdraw<K extends CatalogueKind>(kind: K, institution: string, code: string, ctx: RequestContext): Promise<CatalogueEntry<K>> {
    await this.assertCanPublish(institution);
    const previous = await this.deps.store.catalogue.head(kind, institution, code, true);
    if (!previous) throw new NotFoundError(`${institution} has no ${LABEL[kind]} ${code}`);
    if (previous.status === 'withdrawn') return publicEntry(previous);
    const now = this.deps.clock.now().toISOString();
    const next = { ...previous, status: 'withdrawn', updatedAt: now } as StoredEntry<K>;
    await this.deps.store.catalogue.write(kind, next, previous, [
      this.deps.store.audit.entry(
        auditEntry(ctx, { at: now, action: `catalogue.${kind}.withdraw`, institution, target: `institutions/${institution}/${kind}s/${code}`, details: { version: previous.version } }),
      ),
    ]);
    return publicEntry(next);
  }

  async get<K extends CatalogueKind>(kind: K, institution: string, code: string): Promise<CatalogueEntry<K>> {
    const entry = await this.deps.store.catalogue.head(kind, institution, code);
    if (!entry) throw new NotFoundError(`${institution} has no ${LABEL[kind]} ${code}`);
    return publicEntry(entry);
  }

  async getVersion<K extends CatalogueKind>(kind: K, institution: string, code: string, version: number): Promise<CatalogueEntry<K>> {
    const entry = await this.deps.store.catalogue.version(kind, institution, code, version);
    if (!entry) throw new NotFoundError(`${institution} has no version ${version} of ${LABEL[kind]} ${code}`);
    // a version is frozen content; its status is the entry's current one
    const head = await this.deps.store.catalogue.head(kind, institution, code);
    return publicEntry<K>({ ...entry, status: head?.status ?? entry.status } as StoredEntry<K>);
  }

  async search<K extends CatalogueKind>(kind: K, query: CatalogueQuery, limit: number, cursor?: string): Promise<Page<CatalogueEntry<K>>> {
    const page = await this.deps.store.catalogue.search(kind, query, limit, cursor);
    return { items: page.items.map((entry) => publicEntry(entry)), nextCursor: page.nextCursor };
  }

  /** Micro-degrees that list a component, with the other filters applied to each. */
  async degreesWithComponent(component: EntryRef, query: CatalogueQuery, limit: number, cursor?: string): Promise<Page<CatalogueEntry<'micro-degree'>>> {
    let refs = await this.deps.store.catalogue.degreesListing(component, limit, cursor);
    const heads = await this.deps.store.catalogue.heads('micro-degree', refs.items);
    const entries = refs.items.map((ref) => heads.get(`${ref.institution}/${ref.code}`));
    const shown = (entry: StoredEntry<'micro-degree'> | undefined): entry is StoredEntry<'micro-degree'> => entry !== undefined && matches(entry, query);
    // as search pages do, the page ends where its entries reach the bytes a page holds: the
    // listing read again up to that ref gives the cursor after it
    let bytes = 0;
    let end = entries.length;
    for (const [index, entry] of entries.entries()) {
      if (!shown(entry)) continue;
      const size = entryBytes(entry);
      if (bytes > 0 && bytes + size > MAX_SEARCH_PAGE_BYTES) {
        end = index;
        break;
      }
      bytes += size;
    }
    if (end < entries.length) refs = await this.deps.store.catalogue.degreesListing(component, end, cursor);
    const listed = new Set(refs.items.map((ref) => `${ref.institution}/${ref.code}`));
    const items = entries.filter((entry) => shown(entry) && listed.has(`${entry.institution}/${entry.code}`)).map((entry) => publicEntry(entry!));
    return { items, nextCursor: refs.nextCursor };
  }

  /** Checks a micro-degree's components (they must exist and be active) and totals their ECTS. */
  private async degreeTotals(body: MicroDegreeBody): Promise<{ totalEcts: number }> {
    const heads = await this.deps.store.catalogue.heads('component', body.components, true);
    const issues: FieldIssue[] = [];
    let totalEcts = 0;
    body.components.forEach((ref, index) => {
      const component = heads.get(`${ref.institution}/${ref.code}`);
      if (!component) issues.push({ field: `components.${index}`, message: `component ${ref.institution}/${ref.code} does not exist` });
      else if (component.status !== 'active') issues.push({ field: `components.${index}`, message: `component ${ref.institution}/${ref.code} is withdrawn` });
      else totalEcts += (component as StoredEntry<'component'>).ects;
    });
    if (issues.length) throw new ValidationError(`invalid fields: ${issues.map((i) => i.field).join(', ')}`, issues);
    const problem = requirementProblem(body.requirement, body.components.length, totalEcts);
    if (problem) throw ValidationError.field('requirement', `cannot be met: ${problem}`);
    if (body.components.length > MAX_DEGREE_COMPONENTS) throw ValidationError.field('components', `at most ${MAX_DEGREE_COMPONENTS}`);
    return { totalEcts };
  }

  private degreeRefChanges(degree: EntryRef, body: MicroDegreeBody, previous: StoredEntry<'micro-degree'> | undefined) {
    const key = (r: EntryRef) => `${r.institution}/${r.code}`;
    const before = new Map((previous?.components ?? []).map((r) => [key(r), r]));
    const after = new Map(body.components.map((r) => [key(r), r]));
    const added = [...after.values()].filter((r) => !before.has(key(r)));
    const removed = [...before.values()].filter((r) => !after.has(key(r)));
    return this.deps.store.catalogue.degreeRefs(degree, added, removed);
  }
}

/**
 * Refuses an entry too large to store as one item (a 400, not DynamoDB's error at write):
 * the field to blame is `translations` when there are any, since the primary fields' limits
 * alone keep an entry below the bound.
 */
function assertStorable(entry: StoredEntry): void {
  const bytes = entryBytes(entry);
  if (bytes <= MAX_STORED_ENTRY_BYTES) return;
  const kb = (n: number) => Math.ceil(n / 1000);
  throw ValidationError.field(
    'translations' in entry && entry.translations ? 'translations' : '(body)',
    `make the entry ${kb(bytes)} KB as stored with its search words, more than the ${kb(MAX_STORED_ENTRY_BYTES)} KB an entry may take; shorten the texts or leave out some languages`,
  );
}

function matches(entry: StoredEntry<'micro-degree'>, query: CatalogueQuery): boolean {
  return (
    entry.status === query.status &&
    (query.institution === undefined || entry.institution === query.institution) &&
    (query.eqfLevel === undefined || entry.eqfLevel === query.eqfLevel) &&
    (query.words ?? []).every((word) => entry.searchText.includes(` ${word}`))
  );
}
