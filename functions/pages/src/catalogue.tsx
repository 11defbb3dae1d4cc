/**
 * `/catalogue`: search the consortium's micro-components, micro-degrees and badges with the
 * filters of the search API (a GET form: every result page has its own address), and an
 * entry's page with all its elements, links to each of its versions, and the micro-degrees
 * it counts towards. Reads through the catalogue service the API uses.
 */
import type { Context } from 'hono';
import { ValidationError, type CatalogueEntry, type CatalogueKind, type EntryRef, type Page } from '@cx/domain';
import type { StoredInstitution } from '@cx/domain';
import { FILTERS, KIND_SLUGS, PAGE_SIZE, parseCatalogueSearch, searchHref, SLUG_OF, type CatalogueSearch, type KindSlug } from './catalogue-query.js';
import { ErrorSummary, Facts, SelectField, TextField } from './layout.js';
import {
  assessmentLabel,
  categoryLabel,
  categoryOptions,
  dateLabel,
  iscedLabel,
  languageLabel,
  participationLabel,
  participationOptions,
  requirementLabel,
  supervisionLabel,
} from './labels.js';
import { memberList, render, type PagesApp, type PagesContext, type PagesEnv } from './page.js';

const KIND_TITLES: Record<CatalogueKind, { plural: string; singular: string }> = {
  component: { plural: 'Micro-components', singular: 'Micro-component' },
  'micro-degree': { plural: 'Micro-degrees', singular: 'Micro-degree' },
  badge: { plural: 'Badges', singular: 'Badge' },
};

const LABELS: Record<string, string> = {
  q: 'Words',
  institution: 'University',
  field: 'Field of education (ISCED-F code)',
  eqfLevel: 'EQF level',
  language: 'Language',
  participation: 'Form of participation',
  minEcts: 'ECTS from',
  maxEcts: 'ECTS up to',
  category: 'Category',
  component: 'Counts a component (institution/code)',
  status: 'Status',
  cursor: 'Page',
};

type AnyEntry = CatalogueEntry & Record<string, any>;

export function registerCataloguePages(app: PagesApp, { catalogue, deps }: PagesContext) {
  app.get('/catalogue', async (c) => {
    const search = parseCatalogueSearch(c.req.query());
    const members = await memberList(deps.store);
    let page: Page<AnyEntry> | undefined;
    if (Object.keys(search.errors).length === 0) {
      try {
        page = (
          search.component
            ? await catalogue.degreesWithComponent(search.component, search.query, PAGE_SIZE, search.cursor)
            : await catalogue.search(search.kind, search.query, PAGE_SIZE, search.cursor)
        ) as Page<AnyEntry>;
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        for (const issue of error.issues) search.errors[issue.field in LABELS ? issue.field : 'q'] ??= issue.message;
      }
    }
    const failed = Object.keys(search.errors).length > 0;
    return render(
      c,
      { title: `${failed ? 'Error: ' : ''}Search ${KIND_TITLES[search.kind].plural.toLowerCase()}`, section: 'catalogue', status: failed ? 400 : 200 },
      <SearchPage search={search} members={members} page={page} />,
    );
  });

  for (const [slug, kind] of Object.entries(KIND_SLUGS) as Array<[KindSlug, CatalogueKind]>) {
    const entryPage = async (c: Context<PagesEnv>, institution: string, code: string, version?: number) => {
      const latest = (await catalogue.get(kind, institution, code)) as AnyEntry;
      const entry = version === undefined || version === latest.version ? latest : ((await catalogue.getVersion(kind, institution, code, version)) as AnyEntry);
      const members = new Map((await memberList(deps.store)).map((m) => [m.id, m]));
      const towards = kind === 'component' ? ((await catalogue.degreesWithComponent({ institution, code }, { status: 'active' }, 50)).items as AnyEntry[]) : [];
      const parts =
        kind === 'micro-degree' ? await deps.store.catalogue.heads('component', (entry.components as EntryRef[]) ?? []) : new Map<string, Record<string, any>>();
      return render(
        c,
        { title: `${titleOf(entry)} (${KIND_TITLES[kind].singular.toLowerCase()})`, section: 'catalogue' },
        <EntryPage kind={kind} entry={entry} latest={latest.version} members={members} towards={towards} parts={parts as Map<string, Record<string, any>>} />,
      );
    };
    app.get(`/catalogue/${slug}/:institution/:code`, (c) => entryPage(c, c.req.param('institution'), c.req.param('code')));
    app.get(`/catalogue/${slug}/:institution/:code/versions/:n{[0-9]{1,6}}`, (c) => entryPage(c, c.req.param('institution'), c.req.param('code'), Number(c.req.param('n'))));
  }
}

const titleOf = (entry: AnyEntry): string => (entry.title ?? entry.name ?? entry.code) as string;
const entryHref = (kind: CatalogueKind, institution: string, code: string, version?: number) =>
  `/catalogue/${SLUG_OF[kind]}/${encodeURIComponent(institution)}/${encodeURIComponent(code)}${version === undefined ? '' : `/versions/${version}`}`;
const memberName = (members: Map<string, StoredInstitution>, id: string) => members.get(id)?.name ?? id;

function SearchPage(props: { search: CatalogueSearch; members: StoredInstitution[]; page?: Page<AnyEntry> }) {
  const { search, members, page } = props;
  const { kind, slug, values, errors } = search;
  const has = (name: string) => FILTERS[kind].includes(name);
  const byId = new Map(members.map((m) => [m.id, m]));
  return (
    <>
      <h1>Catalogue</h1>
      <p class="lead">What the member universities teach, in small pieces: micro-components, the micro-degrees they stack into, and badges.</p>
      <nav aria-label="Kind of entry">
        <ul class="tabs">
          {(Object.entries(KIND_SLUGS) as Array<[KindSlug, CatalogueKind]>).map(([s, k]) => (
            <li>
              <a href={`/catalogue?kind=${s}`} aria-current={s === slug ? 'page' : undefined}>
                {KIND_TITLES[k].plural}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorSummary errors={errors} labels={LABELS} />
      <form method="get" action="/catalogue" role="search" aria-label={`Search ${KIND_TITLES[kind].plural.toLowerCase()}`}>
        <input type="hidden" name="kind" value={slug} />
        <TextField id="q" label={LABELS.q!} type="search" hint="Words in the title, description or learning outcomes." value={values.q} error={errors.q} />
        <div class="filters">
          <SelectField
            id="institution"
            label={LABELS.institution!}
            value={values.institution}
            empty="Any university"
            options={members.map((m) => ({ value: m.id, label: m.name }))}
            error={errors.institution}
          />
          {has('field') ? <TextField id="field" label={LABELS.field!} hint="e.g. 06 for ICT, 0613 for software" inputmode="numeric" value={values.field} error={errors.field} /> : null}
          {has('eqfLevel') ? (
            <SelectField
              id="eqfLevel"
              label={LABELS.eqfLevel!}
              value={values.eqfLevel}
              empty="Any level"
              options={[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ value: String(n), label: `Level ${n}` }))}
              error={errors.eqfLevel}
            />
          ) : null}
          {has('language') ? <TextField id="language" label={LABELS.language!} hint="Two letters, e.g. en, fr" value={values.language} error={errors.language} /> : null}
          {has('participation') ? (
            <SelectField id="participation" label={LABELS.participation!} value={values.participation} empty="Any" options={participationOptions} error={errors.participation} />
          ) : null}
          {has('minEcts') ? <TextField id="minEcts" label={LABELS.minEcts!} type="number" step="0.5" min="0" max="60" value={values.minEcts} error={errors.minEcts} /> : null}
          {has('maxEcts') ? <TextField id="maxEcts" label={LABELS.maxEcts!} type="number" step="0.5" min="0" max="60" value={values.maxEcts} error={errors.maxEcts} /> : null}
          {has('category') ? <SelectField id="category" label={LABELS.category!} value={values.category} empty="Any category" options={categoryOptions} error={errors.category} /> : null}
          {has('component') ? <TextField id="component" label={LABELS.component!} hint="e.g. uni-a/CS-101" value={values.component} error={errors.component} /> : null}
          <SelectField
            id="status"
            label={LABELS.status!}
            value={values.status ?? 'active'}
            options={[
              { value: 'active', label: 'Active' },
              { value: 'withdrawn', label: 'Withdrawn' },
            ]}
            error={errors.status}
          />
        </div>
        <button type="submit">Search</button>
      </form>
      {page ? <Results search={search} page={page} members={byId} /> : null}
    </>
  );
}

function Results(props: { search: CatalogueSearch; page: Page<AnyEntry>; members: Map<string, StoredInstitution> }) {
  const { search, page, members } = props;
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">
        {page.items.length === 0
          ? `No ${KIND_TITLES[search.kind].plural.toLowerCase()} found`
          : `${page.items.length} ${KIND_TITLES[search.kind].plural.toLowerCase()}${search.cursor ? ' on this page' : page.nextCursor ? ' on the first page' : ''}`}
      </h2>
      <ul class="results">
        {page.items.map((entry) => (
          <li>
            <h3>
              <a href={entryHref(search.kind, entry.institution, entry.code)}>{titleOf(entry)}</a>
            </h3>
            <p class="meta">{summaryOf(search.kind, entry, memberName(members, entry.institution))}</p>
          </li>
        ))}
      </ul>
      <p>
        {page.nextCursor ? <a href={searchHref(search.slug, search.values, page.nextCursor)}>Next page</a> : null}
        {search.cursor ? (
          <>
            {page.nextCursor ? ' · ' : ''}
            <a href={searchHref(search.slug, search.values)}>Back to the first page</a>
          </>
        ) : null}
      </p>
    </section>
  );
}

function summaryOf(kind: CatalogueKind, entry: AnyEntry, institutionName: string): string {
  const parts = [institutionName, entry.code];
  if (kind === 'component') {
    parts.push(`${entry.ects} ECTS`, `EQF ${entry.eqfLevel}`, iscedLabel(entry.iscedField), (entry.languages as string[]).join(', '), participationLabel(entry.participation)!);
  } else if (kind === 'micro-degree') {
    parts.push(`${entry.totalEcts} ECTS in all`, `EQF ${entry.eqfLevel}`, `${(entry.components as unknown[]).length} components`);
  } else {
    parts.push(categoryLabel(entry.category)!);
  }
  if (entry.status === 'withdrawn') parts.push('withdrawn');
  return parts.join(' · ');
}

function EntryPage(props: {
  kind: CatalogueKind;
  entry: AnyEntry;
  latest: number;
  members: Map<string, StoredInstitution>;
  towards: AnyEntry[];
  parts: Map<string, Record<string, any>>;
}) {
  const { kind, entry, latest, members, towards, parts } = props;
  const isLatest = entry.version === latest;
  const apiHref = `/v1/institutions/${encodeURIComponent(entry.institution)}/${SLUG_OF[kind]}/${encodeURIComponent(entry.code)}/versions/${entry.version}`;
  return (
    <>
      <p class="meta">
        <a href={`/catalogue?kind=${SLUG_OF[kind]}`}>{KIND_TITLES[kind].plural}</a>
        {` › ${memberName(members, entry.institution)}`}
      </p>
      <h1>{titleOf(entry)}</h1>
      <p>
        <span class={`tag ${entry.status === 'active' ? 'ok' : 'bad'}`}>{entry.status === 'active' ? 'Active' : 'Withdrawn'}</span>{' '}
        {`${KIND_TITLES[kind].singular} ${entry.code} of ${memberName(members, entry.institution)}, version ${entry.version}${isLatest ? ' (the latest)' : ` of ${latest}`}`}
      </p>
      {isLatest ? null : (
        <p class="notice">
          This is an earlier version, kept unchanged because credentials were issued for it. <a href={entryHref(kind, entry.institution, entry.code)}>See the latest version</a>.
        </p>
      )}
      {entry.status === 'withdrawn' ? <p class="notice">Withdrawn: no new credentials are issued for it. Credentials issued before stay valid.</p> : null}

      <h2>Elements</h2>
      {kind === 'component' ? <ComponentFacts entry={entry} members={members} /> : null}
      {kind === 'micro-degree' ? <DegreeFacts entry={entry} members={members} parts={parts} /> : null}
      {kind === 'badge' ? <BadgeFacts entry={entry} /> : null}

      <h2>Versions</h2>
      <ol class="versions">
        {Array.from({ length: latest }, (_, i) => i + 1).map((n) => (
          <li>
            {n === entry.version ? (
              <strong aria-current="page">{`Version ${n} (this page)`}</strong>
            ) : (
              <a href={entryHref(kind, entry.institution, entry.code, n)}>{`Version ${n}`}</a>
            )}
            {n === latest ? ', the latest' : ''}
          </li>
        ))}
      </ol>

      {kind === 'component' ? (
        <>
          <h2>Micro-degrees it counts towards</h2>
          {towards.length === 0 ? (
            <p>No active micro-degree lists this component.</p>
          ) : (
            <ul class="towards">
              {towards.map((degree) => (
                <li>
                  <a href={entryHref('micro-degree', degree.institution, degree.code)}>{titleOf(degree)}</a>
                  {` (${memberName(members, degree.institution)}, ${degree.totalEcts} ECTS, EQF ${degree.eqfLevel})`}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}

      <p class="meta">
        For machines: <a href={apiHref}>this version as JSON</a>.
      </p>
    </>
  );
}

function Outcomes(props: { outcomes: string[] }) {
  return (
    <ul>
      {props.outcomes.map((outcome) => (
        <li>{outcome}</li>
      ))}
    </ul>
  );
}

function ComponentFacts(props: { entry: AnyEntry; members: Map<string, StoredInstitution> }) {
  const e = props.entry;
  return (
    <Facts
      rows={[
        ['Description', e.description],
        ['ECTS credits', String(e.ects)],
        ['EQF level', String(e.eqfLevel)],
        ['Field of education (ISCED-F)', iscedLabel(e.iscedField)],
        ['Learning outcomes', <Outcomes outcomes={e.learningOutcomes} />],
        ['Assessment', assessmentLabel(e.assessment?.type)],
        ['Supervision and identity check', supervisionLabel(e.assessment?.supervision)],
        ['Form of participation', participationLabel(e.participation)],
        ['Quality assurance', e.qualityAssurance],
        ['Languages of instruction', (e.languages as string[]).map(languageLabel).join(', ')],
        ['Awarding body', memberName(props.members, e.institution)],
        ['Prerequisites', e.prerequisites],
        [
          'Stackable towards (as published)',
          e.stackableTowards?.length ? (
            <ul>
              {(e.stackableTowards as EntryRef[]).map((ref) => (
                <li>
                  <a href={entryHref('micro-degree', ref.institution, ref.code)}>{`${ref.institution}/${ref.code}`}</a>
                </li>
              ))}
            </ul>
          ) : undefined,
        ],
        ['More information', e.url && /^https?:\/\//.test(e.url) ? <a href={e.url}>{e.url}</a> : undefined],
        ['Valid from', e.validFrom],
        ['Valid until', e.validUntil],
        ['Last changed', dateLabel(e.updatedAt)],
      ]}
    />
  );
}

function DegreeFacts(props: { entry: AnyEntry; members: Map<string, StoredInstitution>; parts: Map<string, Record<string, any>> }) {
  const e = props.entry;
  const components = e.components as EntryRef[];
  return (
    <>
      <Facts
        rows={[
          ['Description', e.description],
          ['ECTS credits in all', String(e.totalEcts)],
          ['EQF level', String(e.eqfLevel)],
          ['Learning outcomes', <Outcomes outcomes={e.learningOutcomes} />],
          ['To earn it', requirementLabel(e.requirement, components.length)],
          ['Awarding body', memberName(props.members, e.institution)],
          ['Last changed', dateLabel(e.updatedAt)],
        ]}
      />
      <h3>Components</h3>
      <ul class="parts">
        {components.map((ref) => {
          const part = props.parts.get(`${ref.institution}/${ref.code}`);
          return (
            <li>
              <a href={entryHref('component', ref.institution, ref.code)}>{part ? titleOf(part as AnyEntry) : `${ref.institution}/${ref.code}`}</a>
              {` (${memberName(props.members, ref.institution)}${part ? `, ${part.ects} ECTS` : ''})`}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function BadgeFacts(props: { entry: AnyEntry }) {
  const e = props.entry;
  return (
    <Facts
      rows={[
        ['Description', e.description],
        ['Category', categoryLabel(e.category)],
        ['Criteria', e.criteria],
        ['Evidence required', e.evidenceRequired === undefined ? undefined : e.evidenceRequired ? 'Yes' : 'No'],
        [
          'Aligned to',
          e.alignments?.length ? (
            <ul>
              {(e.alignments as Array<{ targetName: string; targetUrl: string }>).map((a) => (
                <li>{/^https?:\/\//.test(a.targetUrl) ? <a href={a.targetUrl}>{a.targetName}</a> : a.targetName}</li>
              ))}
            </ul>
          ) : undefined,
        ],
        ['Last changed', dateLabel(e.updatedAt)],
      ]}
    />
  );
}
