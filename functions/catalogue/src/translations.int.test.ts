/**
 * Catalogue entries in several languages: `translations` are stored, answered and versioned
 * as part of the entry, batch imports take them, `q` finds an entry by the words of any of
 * its languages, and a bad translation is a 400 naming its field path with nothing written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';
import { badgeBody, componentBody, degreeBody } from './fixtures.js';

let cx: TestExchange;
let key: string;

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a')).apiKey;
  await cx.onboard('uni-b');
});

const de = {
  title: 'Einführung in das maschinelle Lernen',
  description: 'Überwachtes und unüberwachtes Lernen mit Python.',
  learningOutcomes: ['Verzerrung und Varianz erklären', 'Einen Klassifikator trainieren und bewerten'],
};
const fr = { title: "Introduction à l'apprentissage automatique" };

const put = (path: string, body: unknown, headers: Record<string, string> = {}) => cx.request('PUT', path, { key, body, headers });
const read = async (path: string) => (await (await cx.request('GET', path)).json()) as Record<string, unknown>;

describe('an entry with translations', () => {
  it('is created with them and answers them on PUT, GET and GET of its version', async () => {
    const path = '/v1/institutions/uni-a/components/TR-1';
    const response = await put(path, componentBody({ translations: { de, fr } }));
    expect(response.status).toBe(201);
    expect(((await response.json()) as Record<string, unknown>).translations).toEqual({ de, fr });

    expect((await read(path)).translations).toEqual({ de, fr });
    expect((await read(`${path}/versions/1`)).translations).toEqual({ de, fr });
  });

  it('of each kind keeps them: a micro-degree the same fields, a badge its own (name, description, criteria)', async () => {
    const degreePath = '/v1/institutions/uni-a/micro-degrees/TR-MD';
    expect((await put(degreePath, degreeBody([{ institution: 'uni-a', code: 'TR-1' }], { translations: { de } }))).status).toBe(201);
    expect((await read(degreePath)).translations).toEqual({ de });

    const badgeDe = { name: 'Peer-Mentoring', description: 'Ein Semester lang Erstsemester begleitet.', criteria: 'Mindestens 12 Termine.' };
    const badgePath = '/v1/institutions/uni-a/badges/TR-B';
    expect((await put(badgePath, badgeBody({ translations: { de: badgeDe } }))).status).toBe(201);
    expect((await read(badgePath)).translations).toEqual({ de: badgeDe });
  });

  it('is trimmed as its primary fields are', async () => {
    const path = '/v1/institutions/uni-a/components/TR-TRIM';
    await put(path, componentBody({ translations: { de: { title: `  ${de.title}  ` } } }));
    expect((await read(path)).translations).toEqual({ de: { title: de.title } });
  });
});

describe('versions of translations', () => {
  const path = '/v1/institutions/uni-a/components/TR-V';
  const etag = async (response: Response) => {
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.headers.get('etag');
  };

  it('makes a new version with a new ETag when a translation changes, and none when it is sent again', async () => {
    expect(await etag(await put(path, componentBody({ translations: { de } })))).toBe('"1"');

    // the same languages with their keys in another order are the same content
    const unchanged = await put(path, componentBody({ translations: { de: { learningOutcomes: de.learningOutcomes, description: de.description, title: de.title } } }));
    expect(await etag(unchanged)).toBe('"1"');

    expect(await etag(await put(path, componentBody({ translations: { de: { ...de, title: 'Maschinelles Lernen' } } }), { 'if-match': '"1"' }))).toBe('"2"');
    expect(await etag(await put(path, componentBody({ translations: { de: { ...de, title: 'Maschinelles Lernen' }, fr } })))).toBe('"3"');
    expect((await read(`${path}/versions/2`)).translations).toEqual({ de: { ...de, title: 'Maschinelles Lernen' } });
  });

  it('removes them with a PUT that leaves them out, as any optional field, in a new version; earlier versions keep them', async () => {
    const response = await put(path, componentBody());
    expect(await etag(response)).toBe('"4"');
    expect((await response.json()) as Record<string, unknown>).not.toHaveProperty('translations');
    expect(await read(path)).not.toHaveProperty('translations');
    expect((await read(`${path}/versions/3`)).translations).toEqual({ de: { ...de, title: 'Maschinelles Lernen' }, fr });
  });

  it('makes a new version of a micro-degree and of a badge when only a translation changes', async () => {
    const degreePath = '/v1/institutions/uni-a/micro-degrees/TR-MD-V';
    const parts = [{ institution: 'uni-a', code: 'TR-1' }];
    expect(await etag(await put(degreePath, degreeBody(parts, { translations: { de } })))).toBe('"1"');
    expect(await etag(await put(degreePath, degreeBody(parts, { translations: { de: { title: 'Angewandte Datenwissenschaft' } } })))).toBe('"2"');

    const badgePath = '/v1/institutions/uni-a/badges/TR-B-V';
    expect(await etag(await put(badgePath, badgeBody({ translations: { de: { name: 'Peer-Mentoring' } } })))).toBe('"1"');
    expect(await etag(await put(badgePath, badgeBody({ translations: { de: { name: 'Peer-Mentoring', criteria: 'Mindestens 12 Termine.' } } })))).toBe('"2"');
    expect((await read(`${badgePath}/versions/1`)).translations).toEqual({ de: { name: 'Peer-Mentoring' } });
  });

  it('answers 412 to a stale If-Match on a translation change and keeps the entry', async () => {
    await expectProblem(await put(path, componentBody({ translations: { fr } }), { 'if-match': '"3"' }), 412);
    expect(await read(path)).toMatchObject({ version: 4 });
  });
});

describe('refused translations', () => {
  const cases: Array<[string, unknown, string[]]> = [
    ['a code that is not ISO 639-1', { xx: { title: 'T' } }, ['translations.xx']],
    ['an upper-case code', { DE: { title: 'T' } }, ['translations.DE']],
    ['a regional tag', { 'de-AT': { title: 'T' } }, ['translations.de-AT']],
    ['a translation without a title', { de: { description: de.description } }, ['translations.de.title']],
    ['a title longer than a title may be', { de: { title: 'T'.repeat(301) } }, ['translations.de.title']],
    ['a learning outcome longer than one may be', { de: { title: 'T', learningOutcomes: ['L'.repeat(1001)] } }, ['translations.de.learningOutcomes.0']],
    ['more learning outcomes than an entry may have', { de: { title: 'T', learningOutcomes: Array.from({ length: 31 }, (_, i) => `L${i}`) } }, ['translations.de.learningOutcomes']],
    ['a field a translation does not have', { de: { title: 'T', ects: 5 } }, ['translations.de.ects']],
    ['an empty object', {}, ['translations']],
  ];

  it.each(cases)('answers 400 to %s, naming the field path, and writes nothing', async (_, translations, fields) => {
    const path = '/v1/institutions/uni-a/components/TR-BAD';
    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await put(path, componentBody({ translations })), 400);
    expect(fieldsOf(problem)).toEqual(fields);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 400 to a badge translation that uses a component field, naming both', async () => {
    const problem = await expectProblem(await put('/v1/institutions/uni-a/badges/TR-BAD', badgeBody({ translations: { de: { title: 'Peer-Mentoring' } } })), 400);
    expect(fieldsOf(problem)).toEqual(['translations.de.name', 'translations.de.title']);
  });

  it('answers 400 naming translations to an entry that would be too large to store, and writes nothing', async () => {
    // distinct words, so that the search words are as large as the texts: under the 256 KB
    // request limit, but more than an item holds with them
    let n = 0;
    const words = (chars: number) => Array.from({ length: Math.floor(chars / 7) }, () => `w${(n++).toString(36).padStart(5, '0')}`).join(' ');
    const language = () => ({ title: words(290), description: words(4990), learningOutcomes: Array.from({ length: 30 }, () => words(990)) });
    const translations = Object.fromEntries(['de', 'fr', 'nl', 'es', 'it', 'pl', 'sv'].map((code) => [code, language()]));
    const body = componentBody({ translations });
    expect(JSON.stringify(body).length).toBeLessThan(256 * 1024);

    const before = await tableSnapshot(cx.deps.store);
    const problem = await expectProblem(await put('/v1/institutions/uni-a/components/TR-HUGE', body), 400);
    expect(fieldsOf(problem)).toEqual(['translations']);
    expect(problem.detail).toMatch(/KB/);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('batch import with translations', () => {
  interface BatchResult {
    results: Array<{ code?: string; outcome: string; version?: number; problem?: { errors?: Array<{ field: string }> } }>;
  }
  const importBatch = async (items: unknown[]) => {
    const response = await cx.request('POST', '/v1/institutions/uni-a/components:batch', { key, body: { items } });
    expect(response.status).toBe(200);
    return ((await response.json()) as BatchResult).results;
  };

  it('stores them, changes nothing when sent again, and makes a new version when one changes', async () => {
    const first = await importBatch([
      { code: 'TB-1', ...componentBody({ translations: { de } }) },
      { code: 'TB-2', ...componentBody({ translations: { qq: { title: 'T' }, de: { title: '' } } }) },
      { code: 'TB-3', ...componentBody() },
    ]);
    expect(first.map((r) => [r.code, r.outcome])).toEqual([
      ['TB-1', 'created'],
      ['TB-2', 'invalid'],
      ['TB-3', 'created'],
    ]);
    expect(first[1]!.problem?.errors?.map((e) => e.field)).toEqual(['translations.de.title', 'translations.qq']);
    expect((await read('/v1/institutions/uni-a/components/TB-1')).translations).toEqual({ de });
    expect((await cx.request('GET', '/v1/institutions/uni-a/components/TB-2')).status).toBe(404);

    const again = await importBatch([{ code: 'TB-1', ...componentBody({ translations: { de } }) }]);
    expect(again.map((r) => [r.outcome, r.version])).toEqual([['unchanged', 1]]);

    const changed = await importBatch([
      { code: 'TB-1', ...componentBody({ translations: { de, fr } }) },
      { code: 'TB-3', ...componentBody({ translations: { fr } }) },
    ]);
    expect(changed.map((r) => [r.code, r.outcome, r.version])).toEqual([
      ['TB-1', 'updated', 2],
      ['TB-3', 'updated', 2],
    ]);
    expect((await read('/v1/institutions/uni-a/components/TB-3')).translations).toEqual({ fr });
  });
});

describe('search in every language of an entry', () => {
  const codes = async (path: string) => {
    const response = await cx.request('GET', path);
    expect(response.status, await response.clone().text()).toBe(200);
    return ((await response.json()) as { items: Array<{ code: string }> }).items.map((e) => e.code).sort();
  };

  beforeAll(async () => {
    const other = (await cx.onboard('uni-c')).apiKey;
    const publish = (path: string, body: unknown) => cx.request('PUT', path, { key: other, body });
    // German primary texts with an English translation, and an English entry without any
    await publish('/v1/institutions/uni-c/components/S-DE', componentBody({
      title: 'Grundlagen der Thermodynamik',
      description: 'Hauptsätze, Kreisprozesse und Wärmekraftmaschinen.',
      learningOutcomes: ['Einen Kreisprozess berechnen'],
      translations: { en: { title: 'Foundations of Thermodynamics', description: 'Laws, cycles and heat engines.' } },
    }));
    await publish('/v1/institutions/uni-c/components/S-EN', componentBody({ title: 'Heat Transfer', description: 'Conduction, convection and radiation.', learningOutcomes: ['Size a heat exchanger'] }));
    await publish('/v1/institutions/uni-c/badges/S-B', badgeBody({ name: 'Thermal Lab Tutor', translations: { de: { name: 'Tutorin im Wärmelabor', criteria: 'Zwei Studienjahre.' } } }));
  });

  it('finds an entry by a word of its German texts, with or without the umlaut, and answers its translations', async () => {
    expect(await codes('/v1/components?institution=uni-c&q=thermodynamik')).toEqual(['S-DE']);
    expect(await codes('/v1/components?institution=uni-c&q=hauptsätze')).toEqual(['S-DE']);
    expect(await codes('/v1/components?institution=uni-c&q=hauptsatze')).toEqual(['S-DE']);
    const page = (await (await cx.request('GET', '/v1/components?q=thermodynamik')).json()) as { items: Array<Record<string, unknown>> };
    expect(page.items[0]?.translations).toEqual({ en: { title: 'Foundations of Thermodynamics', description: 'Laws, cycles and heat engines.' } });
  });

  it('finds it by a word of its English translation, and by words of both languages together', async () => {
    expect(await codes('/v1/components?institution=uni-c&q=heat')).toEqual(['S-DE', 'S-EN']);
    expect(await codes('/v1/components?institution=uni-c&q=heat+kreisprozess')).toEqual(['S-DE']);
    expect(await codes('/v1/components?q=foundations+thermodynamics')).toEqual(['S-DE']);
  });

  it('finds a badge by its translated name but not by its translated criteria', async () => {
    expect(await codes('/v1/badges?q=wärmelabor')).toEqual(['S-B']);
    expect(await codes('/v1/badges?q=studienjahre&institution=uni-c')).toEqual([]);
  });

  it('finds a micro-degree by a word of its translation', async () => {
    expect(await codes('/v1/micro-degrees?q=maschinelle')).toEqual(['TR-MD']);
  });
});
