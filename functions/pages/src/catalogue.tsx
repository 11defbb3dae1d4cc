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
import type { I18n, MessageKey } from '@cx/i18n';
import { i18nOf, useI18n } from './i18n.js';
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

const KIND_WORDS: Record<CatalogueKind, { plural: MessageKey; singular: MessageKey; count: MessageKey }> = {
  component: { plural: 'catalogue.kind.component.plural', singular: 'catalogue.kind.component.singular', count: 'catalogue.count.component' },
  'micro-degree': { plural: 'catalogue.kind.micro-degree.plural', singular: 'catalogue.kind.micro-degree.singular', count: 'catalogue.count.micro-degree' },
  badge: { plural: 'catalogue.kind.badge.plural', singular: 'catalogue.kind.badge.singular', count: 'catalogue.count.badge' },
};
const kindPlural = (kind: CatalogueKind) => useI18n().t(KIND_WORDS[kind].plural as 'catalogue.kind.component.plural');
const kindSingular = (kind: CatalogueKind) => useI18n().t(KIND_WORDS[kind].singular as 'catalogue.kind.component.singular');

const labels = ({ t }: I18n): Record<string, string> => ({
  q: t('catalogue.field.q'),
  institution: t('catalogue.field.institution'),
  field: t('catalogue.field.field'),
  eqfLevel: t('fact.eqf'),
  language: t('catalogue.field.language'),
  participation: t('fact.participation'),
  minEcts: t('catalogue.field.minEcts'),
  maxEcts: t('catalogue.field.maxEcts'),
  category: t('catalogue.field.category'),
  component: t('catalogue.field.component'),
  status: t('result.status'),
  cursor: t('catalogue.field.cursor'),
});
const FIELDS = ['q', 'institution', 'field', 'eqfLevel', 'language', 'participation', 'minEcts', 'maxEcts', 'category', 'component', 'status', 'cursor'];

type AnyEntry = CatalogueEntry & Record<string, any>;

export function registerCataloguePages(app: PagesApp, { catalogue, deps }: PagesContext) {
  app.get('/catalogue', async (c) => {
    const i18n = i18nOf(c);
    const search = parseCatalogueSearch(c.req.query(), i18n);
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
        for (const issue of error.issues) search.errors[FIELDS.includes(issue.field) ? issue.field : 'q'] ??= issue.message;
      }
    }
    const failed = Object.keys(search.errors).length > 0;
    return render(
      c,
      {
        title: failed ? i18n.t('form.errorTitle', { title: i18n.t(`catalogue.searchTitle.${search.kind}`) }) : i18n.t(`catalogue.searchTitle.${search.kind}`),
        section: 'catalogue',
        status: failed ? 400 : 200,
      },
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
        { title: `${textsOf(entry, i18nOf(c).lang).title} (${kindSingular(kind)})`, section: 'catalogue' },
        <EntryPage kind={kind} entry={entry} latest={latest.version} members={members} towards={towards} parts={parts as Map<string, Record<string, any>>} />,
      );
    };
    app.get(`/catalogue/${slug}/:institution/:code`, (c) => entryPage(c, c.req.param('institution'), c.req.param('code')));
    app.get(`/catalogue/${slug}/:institution/:code/versions/:n{[0-9]{1,6}}`, (c) => entryPage(c, c.req.param('institution'), c.req.param('code'), Number(c.req.param('n'))));
  }
}

const titleOf = (entry: AnyEntry): string => (entry.title ?? entry.name ?? entry.code) as string;

/**
 * An entry's texts in the reader's language: its translation where it has one (each field
 * falling back to the primary one), else the primary fields, which carry no language of
 * their own. `missing` says the reader's language is not among the entry's translations.
 */
export function textsOf(entry: AnyEntry, lang: string): { title: string; description?: string; learningOutcomes?: string[]; criteria?: string; missing: boolean } {
  const translation = (entry.translations as Record<string, Record<string, any>> | undefined)?.[lang];
  const primary = { title: titleOf(entry), description: entry.description as string | undefined, learningOutcomes: entry.learningOutcomes as string[] | undefined, criteria: entry.criteria as string | undefined };
  if (translation) {
    return {
      title: (translation.title ?? translation.name ?? primary.title) as string,
      description: translation.description ?? primary.description,
      learningOutcomes: translation.learningOutcomes ?? primary.learningOutcomes,
      criteria: translation.criteria ?? primary.criteria,
      missing: false,
    };
  }
  // an entry taught only in the reader's language is taken to be written in it; English is the exchange's default
  const taught = (entry.languages as string[] | undefined) ?? [];
  const missing = lang === 'en' ? taught.length > 0 && !taught.includes('en') : !(taught.length === 1 && taught[0] === lang);
  return { ...primary, missing };
}
const entryHref = (kind: CatalogueKind, institution: string, code: string, version?: number) =>
  `/catalogue/${SLUG_OF[kind]}/${encodeURIComponent(institution)}/${encodeURIComponent(code)}${version === undefined ? '' : `/versions/${version}`}`;
const memberName = (members: Map<string, StoredInstitution>, id: string) => members.get(id)?.name ?? id;

function SearchPage(props: { search: CatalogueSearch; members: StoredInstitution[]; page?: Page<AnyEntry> }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { search, members, page } = props;
  const { kind, slug, values, errors } = search;
  const has = (name: string) => FILTERS[kind].includes(name);
  const byId = new Map(members.map((m) => [m.id, m]));
  const LABELS = labels(i18n);
  return (
    <>
      <h1>{t('catalogue.title')}</h1>
      <p class="lead">{t('catalogue.lead')}</p>
      <nav aria-label={t('catalogue.kinds')}>
        <ul class="tabs">
          {(Object.entries(KIND_SLUGS) as Array<[KindSlug, CatalogueKind]>).map(([s, k]) => (
            <li>
              <a href={`/catalogue?kind=${s}`} aria-current={s === slug ? 'page' : undefined}>
                {kindPlural(k)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorSummary errors={errors} labels={LABELS} />
      <form method="get" action="/catalogue" role="search" aria-label={t(`catalogue.searchTitle.${kind}`)}>
        <input type="hidden" name="kind" value={slug} />
        <TextField id="q" label={LABELS.q!} type="search" hint={t('catalogue.hint.q')} value={values.q} error={errors.q} />
        <div class="filters">
          <SelectField
            id="institution"
            label={LABELS.institution!}
            value={values.institution}
            empty={t('catalogue.any.institution')}
            options={members.map((m) => ({ value: m.id, label: m.name }))}
            error={errors.institution}
          />
          {has('field') ? <TextField id="field" label={LABELS.field!} hint={t('catalogue.hint.field')} inputmode="numeric" value={values.field} error={errors.field} /> : null}
          {has('eqfLevel') ? (
            <SelectField
              id="eqfLevel"
              label={LABELS.eqfLevel!}
              value={values.eqfLevel}
              empty={t('catalogue.any.level')}
              options={[1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ value: String(n), label: t('catalogue.level', { n: String(n) }) }))}
              error={errors.eqfLevel}
            />
          ) : null}
          {has('language') ? <TextField id="language" label={LABELS.language!} hint={t('catalogue.hint.language')} value={values.language} error={errors.language} /> : null}
          {has('participation') ? (
            <SelectField id="participation" label={LABELS.participation!} value={values.participation} empty={t('catalogue.any')} options={participationOptions()} error={errors.participation} />
          ) : null}
          {has('minEcts') ? <TextField id="minEcts" label={LABELS.minEcts!} type="number" step="0.5" min="0" max="60" value={values.minEcts} error={errors.minEcts} /> : null}
          {has('maxEcts') ? <TextField id="maxEcts" label={LABELS.maxEcts!} type="number" step="0.5" min="0" max="60" value={values.maxEcts} error={errors.maxEcts} /> : null}
          {has('category') ? <SelectField id="category" label={LABELS.category!} value={values.category} empty={t('catalogue.any.category')} options={categoryOptions()} error={errors.category} /> : null}
          {has('component') ? <TextField id="component" label={LABELS.component!} hint={t('catalogue.hint.component')} value={values.component} error={errors.component} /> : null}
          <SelectField
            id="status"
            label={LABELS.status!}
            value={values.status ?? 'active'}
            options={[
              { value: 'active', label: t('catalogue.status.active') },
              { value: 'withdrawn', label: t('catalogue.status.withdrawn') },
            ]}
            error={errors.status}
          />
        </div>
        <button type="submit">{t('catalogue.search')}</button>
      </form>
      {page ? <Results search={search} page={page} members={byId} /> : null}
    </>
  );
}

function Results(props: { search: CatalogueSearch; page: Page<AnyEntry>; members: Map<string, StoredInstitution> }) {
  const { t, lang } = useI18n();
  const { search, page, members } = props;
  const count = page.items.length;
  const counted = t(KIND_WORDS[search.kind].count as 'catalogue.count.component', { count });
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">
        {count === 0
          ? t(`catalogue.none.${search.kind}`)
          : search.cursor
            ? t('catalogue.results.thisPage', { counted })
            : page.nextCursor
              ? t('catalogue.results.firstPage', { counted })
              : counted}
      </h2>
      <ul class="results">
        {page.items.map((entry) => {
          const texts = textsOf(entry, lang);
          const university = memberName(members, entry.institution);
          return (
            <li>
              <h3>
                {/* the university is part of the link's name: two universities may publish the same title */}
                <a href={entryHref(search.kind, entry.institution, entry.code)}>
                  {texts.title}
                  <span class="visually-hidden">{t('catalogue.atUniversity', { university })}</span>
                </a>
              </h3>
              <p class="meta">
                {summaryOf(search.kind, entry, university)}
                {texts.missing ? ` · ${t('catalogue.notInLanguage.short')}` : ''}
              </p>
            </li>
          );
        })}
      </ul>
      <p>
        {page.nextCursor ? <a href={searchHref(search.slug, search.values, page.nextCursor)}>{t('catalogue.nextPage')}</a> : null}
        {search.cursor ? (
          <>
            {page.nextCursor ? ' · ' : ''}
            <a href={searchHref(search.slug, search.values)}>{t('catalogue.firstPage')}</a>
          </>
        ) : null}
      </p>
    </section>
  );
}

function summaryOf(kind: CatalogueKind, entry: AnyEntry, institutionName: string): string {
  const { t } = useI18n();
  const parts = [institutionName, entry.code];
  if (kind === 'component') {
    parts.push(t('fact.ectsShort', { ects: entry.ects }), `EQF ${entry.eqfLevel}`, iscedLabel(entry.iscedField), (entry.languages as string[]).join(', '), participationLabel(entry.participation)!);
  } else if (kind === 'micro-degree') {
    parts.push(t('catalogue.ectsInAll', { ects: entry.totalEcts }), `EQF ${entry.eqfLevel}`, t('catalogue.count.component', { count: (entry.components as unknown[]).length }));
  } else {
    parts.push(categoryLabel(entry.category)!);
  }
  if (entry.status === 'withdrawn') parts.push(t('catalogue.withdrawnShort'));
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
  const i18n = useI18n();
  const { t } = i18n;
  const { kind, entry, latest, members, towards, parts } = props;
  const isLatest = entry.version === latest;
  const texts = textsOf(entry, i18n.lang);
  const university = memberName(members, entry.institution);
  const apiHref = `/v1/institutions/${encodeURIComponent(entry.institution)}/${SLUG_OF[kind]}/${encodeURIComponent(entry.code)}/versions/${entry.version}`;
  return (
    <>
      <p class="meta">
        <a href={`/catalogue?kind=${SLUG_OF[kind]}`}>{kindPlural(kind)}</a>
        {` › ${university}`}
      </p>
      <h1>{texts.title}</h1>
      {texts.missing ? (
        <p class="notice" data-translation="missing">
          {t('catalogue.notInLanguage', { language: i18n.languageName(i18n.lang) })}
        </p>
      ) : null}
      <p>
        <span class={`tag ${entry.status === 'active' ? 'ok' : 'bad'}`}>{entry.status === 'active' ? t('catalogue.status.active') : t('catalogue.status.withdrawn')}</span>{' '}
        {isLatest
          ? t('catalogue.entry.latest', { kind: kindSingular(kind), code: entry.code, university, version: String(entry.version) })
          : t('catalogue.entry.earlier', { kind: kindSingular(kind), code: entry.code, university, version: String(entry.version), latest: String(latest) })}
      </p>
      {isLatest ? null : (
        <p class="notice">
          {t('catalogue.entry.earlierNotice')} <a href={entryHref(kind, entry.institution, entry.code)}>{t('catalogue.entry.seeLatest')}</a>.
        </p>
      )}
      {entry.status === 'withdrawn' ? <p class="notice">{t('catalogue.entry.withdrawnNotice')}</p> : null}

      <h2>{t('catalogue.elements')}</h2>
      {kind === 'component' ? <ComponentFacts entry={entry} members={members} /> : null}
      {kind === 'micro-degree' ? <DegreeFacts entry={entry} members={members} parts={parts} /> : null}
      {kind === 'badge' ? <BadgeFacts entry={entry} /> : null}

      <h2>{t('catalogue.versions')}</h2>
      <ol class="versions">
        {Array.from({ length: latest }, (_, i) => i + 1).map((n) => (
          <li>
            {n === entry.version ? (
              <strong aria-current="page">{t('catalogue.version.this', { n: String(n) })}</strong>
            ) : (
              <a href={entryHref(kind, entry.institution, entry.code, n)}>{t('catalogue.version', { n: String(n) })}</a>
            )}
            {n === latest ? t('catalogue.version.latest') : ''}
          </li>
        ))}
      </ol>

      {kind === 'component' ? (
        <>
          <h2>{t('catalogue.towards')}</h2>
          {towards.length === 0 ? (
            <p>{t('catalogue.towards.none')}</p>
          ) : (
            <ul class="towards">
              {towards.map((degree) => (
                <li>
                  <a href={entryHref('micro-degree', degree.institution, degree.code)}>{textsOf(degree, i18n.lang).title}</a>
                  {` (${memberName(members, degree.institution)}, ${t('fact.ectsShort', { ects: degree.totalEcts })}, EQF ${degree.eqfLevel})`}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}

      <p class="meta">
        {t('layout.machines')} <a href={apiHref}>{t('catalogue.asJson')}</a>.
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
  const { t, lang, number } = useI18n();
  const e = props.entry;
  const texts = textsOf(e, lang);
  return (
    <Facts
      rows={[
        [t('fact.description'), texts.description],
        [t('fact.ects'), number(e.ects)],
        [t('fact.eqf'), String(e.eqfLevel)],
        [t('fact.isced'), iscedLabel(e.iscedField)],
        [t('fact.learningOutcomes'), <Outcomes outcomes={texts.learningOutcomes ?? []} />],
        [t('fact.assessment'), assessmentLabel(e.assessment?.type)],
        [t('fact.supervision'), supervisionLabel(e.assessment?.supervision)],
        [t('fact.participation'), participationLabel(e.participation)],
        [t('fact.qualityAssurance'), e.qualityAssurance],
        [t('fact.languages'), (e.languages as string[]).map(languageLabel).join(', ')],
        [t('fact.awardingBody'), memberName(props.members, e.institution)],
        [t('fact.prerequisites'), e.prerequisites],
        [
          t('catalogue.stackable'),
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
        [t('fact.moreInformation'), e.url && /^https?:\/\//.test(e.url) ? <a href={e.url}>{e.url}</a> : undefined],
        [t('fact.validFrom'), e.validFrom ? useI18n().date(e.validFrom) : undefined],
        [t('fact.validUntil'), e.validUntil ? useI18n().date(e.validUntil) : undefined],
        [t('fact.lastChanged'), dateLabel(e.updatedAt)],
      ]}
    />
  );
}

function DegreeFacts(props: { entry: AnyEntry; members: Map<string, StoredInstitution>; parts: Map<string, Record<string, any>> }) {
  const { t, lang, number } = useI18n();
  const e = props.entry;
  const texts = textsOf(e, lang);
  const components = e.components as EntryRef[];
  return (
    <>
      <Facts
        rows={[
          [t('fact.description'), texts.description],
          [t('catalogue.ectsInAllLabel'), number(e.totalEcts)],
          [t('fact.eqf'), String(e.eqfLevel)],
          [t('fact.learningOutcomes'), <Outcomes outcomes={texts.learningOutcomes ?? []} />],
          [t('catalogue.toEarn'), requirementLabel(e.requirement, components.length)],
          [t('fact.awardingBody'), memberName(props.members, e.institution)],
          [t('fact.lastChanged'), dateLabel(e.updatedAt)],
        ]}
      />
      <h3>{t('catalogue.components')}</h3>
      <ul class="parts">
        {components.map((ref) => {
          const part = props.parts.get(`${ref.institution}/${ref.code}`);
          return (
            <li>
              <a href={entryHref('component', ref.institution, ref.code)}>{part ? textsOf(part as AnyEntry, lang).title : `${ref.institution}/${ref.code}`}</a>
              {` (${memberName(props.members, ref.institution)}${part ? `, ${t('fact.ectsShort', { ects: part.ects })}` : ''})`}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function BadgeFacts(props: { entry: AnyEntry }) {
  const { t, lang } = useI18n();
  const e = props.entry;
  const texts = textsOf(e, lang);
  return (
    <Facts
      rows={[
        [t('fact.description'), texts.description],
        [t('catalogue.field.category'), categoryLabel(e.category)],
        [t('fact.criteria'), texts.criteria],
        [t('catalogue.evidenceRequired'), e.evidenceRequired === undefined ? undefined : e.evidenceRequired ? t('catalogue.yes') : t('catalogue.no')],
        [
          t('fact.alignedTo'),
          e.alignments?.length ? (
            <ul>
              {(e.alignments as Array<{ targetName: string; targetUrl: string }>).map((a) => (
                <li>{/^https?:\/\//.test(a.targetUrl) ? <a href={a.targetUrl}>{a.targetName}</a> : a.targetName}</li>
              ))}
            </ul>
          ) : undefined,
        ],
        [t('fact.lastChanged'), dateLabel(e.updatedAt)],
      ]}
    />
  );
}
