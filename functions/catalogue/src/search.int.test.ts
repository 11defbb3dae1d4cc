/**
 * Search across the consortium: every filter of the three search routes returns exactly
 * the matching entries of a varied fixture, pages hold every match exactly once in a stable
 * order (also while entries are being published), and bad parameters are 400s naming them.
 *
 * Expected sets come from a plain reference filter over the fixture, written independently
 * of the index plans.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { badgeBody, componentBody, degreeBody } from './fixtures.js';

const INSTITUTIONS = ['uni-a', 'uni-b', 'uni-c'] as const;

const TOPICS = [
  { field: '0613', title: 'Machine Learning in Python', description: 'Supervised learning with scikit-learn.' },
  { field: '0612', title: 'Relational Databases', description: 'SQL, normalisation and transactions.' },
  { field: '0611', title: 'Office Automation', description: 'Spreadsheets and scripting for administrators.' },
  { field: '0688', title: 'Digital Humanities Lab', description: 'Text mining for historians, with Python.' },
  { field: '0311', title: 'Économie européenne', description: 'The economics of the single market.' },
  { field: '0314', title: 'Urban Sociology', description: 'Cities, migration and machine-readable census data.' },
  { field: '0231', title: 'Spanish for Beginners', description: 'Everyday conversation at CEFR level A1.' },
  { field: '0532', title: 'Volcanoes and Earthquakes', description: 'Plate tectonics and hazard maps.' },
];
const LEVELS = [5, 6, 7, 6, 4];
const LANGUAGES = [['en'], ['nl', 'en'], ['de'], ['en', 'fr'], ['es'], ['nl']];
const PARTICIPATION = ['online', 'onsite', 'blended'];
const ECTS = [2.5, 5, 7.5, 10, 15, 3, 6];

interface Component {
  institution: string;
  code: string;
  title: string;
  description: string;
  learningOutcomes: string[];
  ects: number;
  eqfLevel: number;
  iscedField: string;
  languages: string[];
  participation: string;
  status: 'active' | 'withdrawn';
}

/** 30 components over 3 institutions; the last three are withdrawn. */
function componentFixture(): Component[] {
  return Array.from({ length: 30 }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length]!;
    return {
      institution: INSTITUTIONS[i % 3]!,
      code: `C-${String(i).padStart(2, '0')}`,
      title: `${topic.title}, part ${Math.floor(i / TOPICS.length) + 1}`,
      description: topic.description,
      learningOutcomes: [`Explain the core ideas of ${topic.title}`, ...(i % 4 === 0 ? ['Apply gradient descent to a real data set'] : [])],
      ects: ECTS[i % ECTS.length]!,
      eqfLevel: LEVELS[i % LEVELS.length]!,
      iscedField: topic.field,
      languages: LANGUAGES[i % LANGUAGES.length]!,
      participation: PARTICIPATION[Math.floor(i / 3) % 3]!,
      status: i >= 27 ? 'withdrawn' : 'active',
    };
  });
}

const bodyOf = (c: Component) => {
  const { institution: _i, code: _c, status: _s, ...fields } = c;
  return componentBody(fields);
};

/** Words as a reader would match them: diacritics and case ignored. */
const wordsOf = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Every word of `q` starts a word of the texts. */
const matchesQ = (q: string, texts: string[]) => {
  const words = wordsOf(texts.join(' '));
  return wordsOf(q).every((w) => words.some((word) => word.startsWith(w)));
};

type Query = Record<string, string>;

function referenceComponents(all: Component[], query: Query): string[] {
  return all
    .filter(
      (c) =>
        c.status === (query.status ?? 'active') &&
        (!query.institution || c.institution === query.institution) &&
        (!query.field || c.iscedField.startsWith(query.field)) &&
        (!query.eqfLevel || c.eqfLevel === Number(query.eqfLevel)) &&
        (!query.language || c.languages.includes(query.language)) &&
        (!query.participation || c.participation === query.participation) &&
        (!query.minEcts || c.ects >= Number(query.minEcts)) &&
        (!query.maxEcts || c.ects <= Number(query.maxEcts)) &&
        (!query.q || matchesQ(query.q, [c.title, c.description, ...c.learningOutcomes])),
    )
    .map((c) => `${c.institution}/${c.code}`)
    .sort();
}

interface Page {
  items: Array<{ institution: string; code: string }>;
  nextCursor?: string;
}

async function page(cx: TestExchange, route: string, query: Query): Promise<Page> {
  const response = await cx.request('GET', `/v1/${route}?${new URLSearchParams(query)}`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Page;
}

/** Every item of a search, following cursors, in the order served. */
async function searchAll(cx: TestExchange, route: string, query: Query, limit = 100): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const result = await page(cx, route, { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    expect(result.items.length).toBeLessThanOrEqual(limit);
    seen.push(...result.items.map((e) => `${e.institution}/${e.code}`));
    cursor = result.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('the search did not end after 200 pages');
}

let cx: TestExchange;
const key: Record<string, string> = {};
const components = componentFixture();

async function loadComponents(exchange: TestExchange, keys: Record<string, string>, list: Component[]) {
  for (const institution of INSTITUTIONS) {
    const items = list.filter((c) => c.institution === institution).map((c) => ({ code: c.code, ...bodyOf(c) }));
    const response = await exchange.request('POST', `/v1/institutions/${institution}/components:batch`, { key: keys[institution], body: { items } });
    const result = (await response.json()) as { summary: { created: number } };
    expect(result.summary.created).toBe(items.length);
  }
  for (const c of list.filter((c) => c.status === 'withdrawn')) {
    expect((await exchange.request('DELETE', `/v1/institutions/${c.institution}/components/${c.code}`, { key: keys[c.institution] })).status).toBe(200);
  }
}

interface Badge {
  institution: string;
  code: string;
  name: string;
  description: string;
  category: string;
  status: 'active' | 'withdrawn';
}
const BADGE_CATEGORIES = ['digital-skills', 'social-engagement', 'language-skills', 'digital-skills', 'intercultural-experience', 'other'];
const BADGE_NAMES = ['Python Mentor', 'Peer Tutor', 'Dutch B2 Speaker', 'Cloud Practitioner', 'Exchange Ambassador', 'Hackathon Winner'];
const badges: Badge[] = Array.from({ length: 12 }, (_, i) => ({
  institution: INSTITUTIONS[i % 3]!,
  code: `B-${String(i).padStart(2, '0')}`,
  name: BADGE_NAMES[i % BADGE_NAMES.length]!,
  description: i % 2 ? 'Awarded for sustained volunteering.' : 'Awarded for a demonstrated digital skill.',
  category: BADGE_CATEGORIES[i % BADGE_CATEGORIES.length]!,
  status: i === 11 || i === 9 ? 'withdrawn' : 'active',
}));

function referenceBadges(query: Query): string[] {
  return badges
    .filter(
      (b) =>
        b.status === (query.status ?? 'active') &&
        (!query.institution || b.institution === query.institution) &&
        (!query.category || b.category === query.category) &&
        (!query.q || matchesQ(query.q, [b.name, b.description])),
    )
    .map((b) => `${b.institution}/${b.code}`)
    .sort();
}

interface Degree {
  institution: string;
  code: string;
  title: string;
  eqfLevel: number;
  components: Array<{ institution: string; code: string }>;
  status: 'active' | 'withdrawn';
}
const DEGREE_TITLES = ['Applied Data Science', 'European Studies', 'Geoscience Fundamentals', 'Data Engineering'];
const degrees: Degree[] = Array.from({ length: 9 }, (_, i) => ({
  institution: INSTITUTIONS[(i + 1) % 3]!,
  code: `D-${i}`,
  title: DEGREE_TITLES[i % DEGREE_TITLES.length]!,
  eqfLevel: [5, 6, 7][Math.floor(i / 3)]!,
  // components of other institutions than the degree's own
  components: [components[i]!, components[i + 3]!].map((c) => ({ institution: c.institution, code: c.code })),
  status: i === 4 ? 'withdrawn' : 'active',
}));

function referenceDegrees(query: Query): string[] {
  return degrees
    .filter(
      (d) =>
        d.status === (query.status ?? 'active') &&
        (!query.institution || d.institution === query.institution) &&
        (!query.eqfLevel || d.eqfLevel === Number(query.eqfLevel)) &&
        (!query.q || matchesQ(query.q, [d.title, degreeBody([]).description, ...degreeBody([]).learningOutcomes])),
    )
    .map((d) => `${d.institution}/${d.code}`)
    .sort();
}

beforeAll(async () => {
  cx = await testExchange();
  for (const id of INSTITUTIONS) key[id] = (await cx.onboard(id)).apiKey;
  await loadComponents(cx, key, components);
  for (const b of badges) {
    const { institution, code, status: _s, ...fields } = b;
    expect((await cx.request('PUT', `/v1/institutions/${institution}/badges/${code}`, { key: key[institution], body: badgeBody(fields) })).status).toBe(201);
    if (b.status === 'withdrawn') await cx.request('DELETE', `/v1/institutions/${institution}/badges/${code}`, { key: key[institution] });
  }
  for (const d of degrees) {
    const body = degreeBody(d.components, { title: d.title, eqfLevel: d.eqfLevel });
    expect((await cx.request('PUT', `/v1/institutions/${d.institution}/micro-degrees/${d.code}`, { key: key[d.institution], body })).status).toBe(201);
    if (d.status === 'withdrawn') await cx.request('DELETE', `/v1/institutions/${d.institution}/micro-degrees/${d.code}`, { key: key[d.institution] });
  }
});

/** Checks that a search returns exactly `expected`, which must select some but not all entries. */
async function expectExactly(route: string, query: Query, expected: string[], population: number) {
  expect(expected.length, `the fixture has matches for ${JSON.stringify(query)}`).toBeGreaterThan(0);
  expect(expected.length, `the fixture has non-matches for ${JSON.stringify(query)}`).toBeLessThan(population);
  const found = await searchAll(cx, route, query);
  expect(found.length, 'no entry is served twice').toBe(new Set(found).size);
  expect(found.sort()).toEqual(expected);
}

describe('GET /v1/components filters', () => {
  const activeCount = components.filter((c) => c.status === 'active').length;
  it.each<Query>([
    { institution: 'uni-b' },
    { field: '06' },
    { field: '061' },
    { field: '0613' },
    { field: '03' },
    { field: '0231' },
    { eqfLevel: '6' },
    { eqfLevel: '4' },
    { language: 'en' },
    { language: 'nl' },
    { participation: 'online' },
    { minEcts: '7.5' },
    { maxEcts: '5' },
    { minEcts: '5', maxEcts: '10' },
    { q: 'machine' },
    { q: 'MACHINE' },
    { q: 'gradient' },
    { q: 'python machine' },
    { q: 'économie' },
    { q: 'ECONOMIE' },
    { q: 'databa' },
    { status: 'withdrawn' },
    { field: '06', eqfLevel: '6', language: 'en' },
    { field: '0613', eqfLevel: '5' },
    { field: '061', eqfLevel: '7' },
    { field: '06', institution: 'uni-a' },
    { field: '061', institution: 'uni-b', language: 'en' },
    { institution: 'uni-c', eqfLevel: '6' },
    { institution: 'uni-a', participation: 'blended', maxEcts: '10' },
    { eqfLevel: '5', language: 'nl' },
    { eqfLevel: '6', q: 'part' },
    { q: 'python', language: 'en' },
    { field: '03', minEcts: '5', participation: 'onsite' },
    { status: 'withdrawn', field: '06' },
    { status: 'withdrawn', institution: 'uni-a' },
  ])('returns exactly the components matching %o', (query) =>
    expectExactly('components', query, referenceComponents(components, query), query.status === 'withdrawn' ? components.length : activeCount),
  );

  it('searches only the title, description and learning outcomes', async () => {
    // the fixture's quality assurance text says "accredited"; its assessment type is "project"
    expect(await searchAll(cx, 'components', { q: 'accredited' })).toEqual([]);
    expect(await searchAll(cx, 'components', { q: 'project' })).toEqual([]);
  });

  it('matches words, not parts of words', async () => {
    // "earning" occurs inside "learning" but starts no word
    expect(await searchAll(cx, 'components', { q: 'earning' })).toEqual([]);
  });

  it('answers 20 components and a cursor when no limit is given', async () => {
    const result = await page(cx, 'components', {});
    expect(result.items).toHaveLength(20);
    expect(result.nextCursor).toEqual(expect.any(String));
  });

  it('serves components with their public fields only', async () => {
    const result = await page(cx, 'components', { field: '0613', limit: '1' });
    expect(Object.keys(result.items[0]!).sort()).toEqual(
      [...Object.keys(componentBody()), 'institution', 'code', 'version', 'status', 'updatedAt'].sort(),
    );
  });
});

describe('GET /v1/components pagination', () => {
  it.each<[Query, number]>([
    [{}, 1],
    [{}, 4],
    [{ field: '06' }, 2],
    [{ field: '0613', eqfLevel: '5' }, 1],
    [{ institution: 'uni-a' }, 3],
    [{ eqfLevel: '6' }, 2],
    [{ language: 'en', minEcts: '5' }, 3],
    [{ q: 'python' }, 1],
    [{ field: '06', eqfLevel: '6', language: 'en' }, 1],
  ])('returns every match of %o exactly once, in the same order, with pages of %i', async (query, limit) => {
    const whole = await searchAll(cx, 'components', query, 100);
    const paged = await searchAll(cx, 'components', query, limit);
    expect(paged).toEqual(whole);
    expect(whole.sort()).toEqual(referenceComponents(components, query));
  });

  it('serves the same order every time', async () => {
    expect(await searchAll(cx, 'components', { language: 'en' }, 3)).toEqual(await searchAll(cx, 'components', { language: 'en' }, 3));
  });
});

describe('a cursor while catalogues change', () => {
  it.each<Query>([{}, { field: '06' }, { institution: 'uni-b' }, { eqfLevel: '6' }, { language: 'en' }])(
    'keeps working after new entries are published, without duplicates or skips (%o)',
    async (query) => {
      const exchange = await testExchange();
      const keys: Record<string, string> = {};
      for (const id of INSTITUTIONS) keys[id] = (await exchange.onboard(id)).apiKey;
      await loadComponents(exchange, keys, components);
      const before = referenceComponents(components, query);

      const first = await page(exchange, 'components', { ...query, limit: '4' });
      // publications sorting before, between and after the entries already served, and a change
      const added = ['A-NEW', 'C-05a', 'C-99', 'ZZ-NEW'].flatMap((code, i) =>
        INSTITUTIONS.map((institution, j) => ({ ...components[(i * 3 + j) % 27]!, institution, code, status: 'active' as const })),
      );
      for (const c of added) {
        expect((await exchange.request('PUT', `/v1/institutions/${c.institution}/components/${c.code}`, { key: keys[c.institution], body: bodyOf(c) })).status).toBe(201);
      }
      const changed = components.find((c) => `${c.institution}/${c.code}` === before.at(-1))!;
      await exchange.request('PUT', `/v1/institutions/${changed.institution}/components/${changed.code}`, {
        key: keys[changed.institution],
        body: bodyOf({ ...changed, description: 'A new version.' }),
      });

      const seen = first.items.map((e) => `${e.institution}/${e.code}`);
      let cursor = first.nextCursor;
      while (cursor) {
        const next = await page(exchange, 'components', { ...query, limit: '4', cursor });
        seen.push(...next.items.map((e) => `${e.institution}/${e.code}`));
        cursor = next.nextCursor;
      }
      expect(seen.length, 'no entry is served twice').toBe(new Set(seen).size);
      const existing = seen.filter((code) => before.includes(code));
      expect(existing.sort()).toEqual(before);
      // what was added can show up or not, but only if it matches
      const everything = referenceComponents([...components, ...added], query);
      for (const code of seen) expect(everything).toContain(code);
    },
  );
});

describe('GET /v1/badges filters', () => {
  const activeCount = badges.filter((b) => b.status === 'active').length;
  it.each<Query>([
    { category: 'digital-skills' },
    { category: 'language-skills' },
    { institution: 'uni-c' },
    { category: 'digital-skills', institution: 'uni-a' },
    { q: 'mentor' },
    { q: 'VOLUNTEERING' },
    { q: 'digital', institution: 'uni-b' },
    { category: 'digital-skills', q: 'cloud' },
    { status: 'withdrawn' },
    { status: 'withdrawn', category: 'digital-skills' },
  ])('returns exactly the badges matching %o', (query) =>
    expectExactly('badges', query, referenceBadges(query), query.status === 'withdrawn' ? badges.length : activeCount),
  );

  it('pages through badges exactly once', async () => {
    expect(await searchAll(cx, 'badges', { category: 'digital-skills' }, 1)).toEqual(await searchAll(cx, 'badges', { category: 'digital-skills' }));
    expect((await searchAll(cx, 'badges', {}, 2)).sort()).toEqual(referenceBadges({}));
  });
});

describe('GET /v1/micro-degrees filters', () => {
  const activeCount = degrees.filter((d) => d.status === 'active').length;
  it.each<Query>([
    { institution: 'uni-b' },
    { eqfLevel: '6' },
    { eqfLevel: '7' },
    { q: 'applied' },
    { q: 'geoscience' },
    { institution: 'uni-a', eqfLevel: '5' },
    { eqfLevel: '5', q: 'applied' },
    { institution: 'uni-c', q: 'european' },
    { status: 'withdrawn' },
  ])('returns exactly the micro-degrees matching %o', (query) =>
    expectExactly('micro-degrees', query, referenceDegrees(query), query.status === 'withdrawn' ? degrees.length : activeCount),
  );

  it('pages through micro-degrees exactly once', async () => {
    expect((await searchAll(cx, 'micro-degrees', {}, 2)).sort()).toEqual(referenceDegrees({}));
  });
});

describe('bad search parameters', () => {
  it.each<[string, string, string]>([
    ['components', 'field=0614', 'field'],
    ['components', 'field=069', 'field'],
    ['components', 'field=11', 'field'],
    ['components', 'field=abcd', 'field'],
    ['components', 'field=06130', 'field'],
    ['components', 'language=xx', 'language'],
    ['components', 'language=EN', 'language'],
    ['components', 'eqfLevel=9', 'eqfLevel'],
    ['components', 'eqfLevel=0', 'eqfLevel'],
    ['components', 'eqfLevel=6.5', 'eqfLevel'],
    ['components', 'eqfLevel=high', 'eqfLevel'],
    ['components', 'participation=hybrid', 'participation'],
    ['components', 'minEcts=10&maxEcts=5', 'maxEcts'],
    ['components', 'minEcts=-1', 'minEcts'],
    ['components', 'maxEcts=lots', 'maxEcts'],
    ['components', 'status=deleted', 'status'],
    ['components', 'institution=Uni_A', 'institution'],
    ['components', 'limit=0', 'limit'],
    ['components', 'limit=101', 'limit'],
    ['components', 'q=%20%20', 'q'],
    ['components', 'q=%21%3F', 'q'],
    ['components', 'colour=blue', 'colour'],
    ['components', 'category=other', 'category'],
    ['components', 'cursor=not-a-cursor', 'cursor'],
    ['badges', 'category=sports', 'category'],
    ['badges', 'eqfLevel=6', 'eqfLevel'],
    ['badges', 'field=06', 'field'],
    ['micro-degrees', 'eqfLevel=9', 'eqfLevel'],
    ['micro-degrees', 'field=06', 'field'],
    ['micro-degrees', 'category=other', 'category'],
    ['micro-degrees', 'component=uni-a', 'component'],
  ])('GET /v1/%s?%s answers 400 naming %s', async (route, query, field) => {
    const problem = await expectProblem(await cx.request('GET', `/v1/${route}?${query}`), 400);
    expect(fieldsOf(problem)).toEqual([field]);
  });

  const cursorOf = async (route: string, query: Query) => {
    const result = await page(cx, route, { ...query, limit: '1' });
    expect(result.nextCursor).toEqual(expect.any(String));
    return result.nextCursor!;
  };

  it.each<[string, Query, string, Query]>([
    ['components', {}, 'badges', {}],
    ['components', {}, 'micro-degrees', {}],
    ['components', { field: '06' }, 'components', { field: '03' }],
    ['components', { field: '0613' }, 'components', { field: '0612' }],
    ['components', { field: '061' }, 'components', { field: '0612' }],
    ['components', { institution: 'uni-a' }, 'components', { institution: 'uni-b' }],
    ['components', { institution: 'uni-a' }, 'components', {}],
    ['components', { eqfLevel: '6' }, 'components', { eqfLevel: '7' }],
    ['components', { q: 'python' }, 'components', {}],
    ['components', { language: 'en' }, 'components', { language: 'nl' }],
    ['components', {}, 'components', { status: 'withdrawn' }],
    ['badges', { category: 'digital-skills', institution: 'uni-a' }, 'badges', { category: 'digital-skills', institution: 'uni-b' }],
    ['micro-degrees', { component: 'uni-a/C-00' }, 'micro-degrees', {}],
  ])('refuses a cursor of GET /v1/%s?%o on GET /v1/%s?%o with 400 naming cursor', async (fromRoute, fromQuery, route, query) => {
    const cursor = await cursorOf(fromRoute, fromQuery);
    const problem = await expectProblem(await cx.request('GET', `/v1/${route}?${new URLSearchParams({ ...query, cursor })}`), 400);
    expect(fieldsOf(problem)).toEqual(['cursor']);
  });

  it('refuses a cursor whose key was edited', async () => {
    const cursor = await cursorOf('components', { institution: 'uni-a' });
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...key, gsi1sk: 'uni-b#C-01', sk: 'COMP#C-01', pk: 'INST#uni-b' }), 'utf8').toString('base64url');
    const problem = await expectProblem(await cx.request('GET', `/v1/components?${new URLSearchParams({ institution: 'uni-a', cursor: forged })}`), 400);
    expect(fieldsOf(problem)).toEqual(['cursor']);
  });
});
