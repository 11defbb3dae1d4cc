/**
 * The pages in English and German without a browser: the language chosen by `?lang=`, then the
 * switcher's remembered choice, then `Accept-Language`; what each answer says about its
 * language; German words on every kind of page; catalogue entries in the reader's language; and
 * the HTML 404 a browser gets for a path no route serves, where an API client gets problem+json.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { issueBody } from '../../credentials/src/fixtures.js';
import { getPage, postForm } from './test-support.js';

let cx: TestExchange;
let key: string;
let credential: Record<string, unknown>;

const langOf = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

beforeAll(async () => {
  cx = await testExchange();
  key = (await cx.onboard('uni-a', { name: 'Universität Leipzig', country: 'DE' })).apiKey;
  const put = async (code: string, body: unknown) => expect((await cx.request('PUT', `/v1/institutions/uni-a/components/${code}`, { key, body })).status).toBe(201);
  await put('ML-1', componentBody());
  await put(
    'DS-1',
    componentBody({
      title: 'Datenwissenschaft',
      description: 'Daten erheben, bereinigen und auswerten.',
      learningOutcomes: ['Einen Datensatz bereinigen'],
      languages: ['de'],
      translations: { en: { title: 'Data Science', description: 'Collect, clean and analyse data.', learningOutcomes: ['Clean a data set'] } },
    }),
  );
  const issued = await cx.request('POST', '/v1/institutions/uni-a/credentials', { key, body: issueBody() });
  expect(issued.status).toBe(201);
  credential = ((await issued.json()) as { credential: Record<string, unknown> }).credential;
});

describe('choosing the language', () => {
  it('answers English by default, saying so in <html lang>, Content-Language and Vary', async () => {
    const page = await getPage(cx, '/verify');
    expect(langOf(page.html)).toBe('en');
    expect(page.headers.get('content-language')).toBe('en');
    expect(page.headers.get('vary')).toMatch(/Accept-Language, Cookie/);
    expect(page.text).toContain('Verify a credential');
  });

  it('answers German to a browser that prefers it by Accept-Language q-values', async () => {
    const page = await getPage(cx, '/verify', { 'accept-language': 'fr;q=1, de-DE;q=0.8, en;q=0.5' });
    expect(langOf(page.html)).toBe('de');
    expect(page.headers.get('content-language')).toBe('de');
    expect(page.text).toContain('Nachweis überprüfen');
    expect(page.html).toContain('>Überprüfen</button>');
  });

  it('takes ?lang= before Accept-Language, and remembers it in a cookie', async () => {
    const page = await getPage(cx, '/catalogue?lang=de', { 'accept-language': 'en' });
    expect(langOf(page.html)).toBe('de');
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lang=de;/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);

    const next = await getPage(cx, '/transfer', { cookie: 'lang=de', 'accept-language': 'en' });
    expect(langOf(next.html)).toBe('de');
    expect(next.text).toContain('Leistungen anerkennen lassen');
    expect(next.headers.get('set-cookie')).toBeNull();
  });

  it('ignores a language it has no catalogue for', async () => {
    const page = await getPage(cx, '/verify?lang=fr', { 'accept-language': 'de' });
    expect(langOf(page.html)).toBe('de');
    expect(page.headers.get('set-cookie')).toBeNull();
  });

  it('offers a switcher on every page: plain links to the same page in each language, the current one marked', async () => {
    const page = await getPage(cx, '/catalogue?kind=components&q=data', { cookie: 'lang=de' });
    expect(page.html).toContain('href="/catalogue?kind=components&amp;q=data&amp;lang=en" hreflang="en" lang="en"');
    expect(page.html).toMatch(/href="\/catalogue\?kind=components&amp;q=data&amp;lang=de" hreflang="de" lang="de" aria-current="true"/);
  });
});

describe('the pages in German', () => {
  it('word form errors in German', async () => {
    const page = await postForm(cx, '/verify?lang=de', { credential: '{nope' }, undefined, { cookie: 'lang=de' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('Bitte prüfen Sie Ihre Angaben');
    expect(page.text).toContain('Das ist kein gültiges JSON');
  });

  it('verify a credential in German words: verdict, checks said once, dates as Germans write them', async () => {
    const page = await postForm(cx, '/verify', { credential: JSON.stringify(credential) }, undefined, { cookie: 'lang=de' });
    expect(page.text).toContain('Überprüft: Dieser Nachweis ist echt und gültig');
    expect(page.text).toMatch(/Signatur \(bestanden\)\s*: Die Signatur ist intakt/);
    expect(page.html).toContain('<span class="mark" aria-hidden="true">✓</span>');
    expect(page.text).toContain('ECTS-Leistungspunkte 5');
    expect(page.text).toContain('Unterrichtssprachen Englisch (en)');
    expect(page.text).toMatch(/Gültig ab \d{1,2}\. [A-Za-zä]+ \d{4}, \d\d:\d\d UTC/);
  });

  it('count catalogue results with the plural German needs', async () => {
    const one = await getPage(cx, '/catalogue?kind=components&q=Datenwissenschaft', { cookie: 'lang=de' });
    expect(one.html).toContain('<h2 id="results-title">1 Mikrokomponente</h2>');
    const two = await getPage(cx, '/catalogue?kind=components', { cookie: 'lang=de' });
    expect(two.html).toContain('<h2 id="results-title">2 Mikrokomponenten</h2>');
    const english = await getPage(cx, '/catalogue?kind=components&q=Datenwissenschaft');
    expect(english.html).toContain('<h2 id="results-title">1 micro-component</h2>');
  });

  it('mark the current catalogue tab by aria-current, not by colour alone', async () => {
    const page = await getPage(cx, '/catalogue?kind=badges');
    expect(page.html).toContain('<a href="/catalogue?kind=badges" aria-current="page">Badges</a>');
  });
});

describe('catalogue entries in the reader’s language', () => {
  it('finds a German-titled component by a German word and shows it in English to an English reader', async () => {
    const page = await getPage(cx, '/catalogue?kind=components&q=datenwissenschaft', { 'accept-language': 'en' });
    expect(page.html).toMatch(/<h3><a href="\/catalogue\/components\/uni-a\/DS-1">Data Science<span class="visually-hidden">, Universität Leipzig<\/span><\/a><\/h3>/);
    const entry = await getPage(cx, '/catalogue/components/uni-a/DS-1', { 'accept-language': 'en' });
    expect(entry.text).toContain('Data Science');
    expect(entry.text).toContain('Collect, clean and analyse data.');
    expect(entry.html).not.toContain('data-translation="missing"');
  });

  it('shows the entry as published to a German reader, where it is written in German', async () => {
    const entry = await getPage(cx, '/catalogue/components/uni-a/DS-1', { cookie: 'lang=de' });
    expect(entry.html).toContain('<h1>Datenwissenschaft</h1>');
    expect(entry.text).toContain('Einen Datensatz bereinigen');
    expect(entry.html).not.toContain('data-translation="missing"');
  });

  it('says so, in German, where an entry has no German text', async () => {
    const entry = await getPage(cx, '/catalogue/components/uni-a/ML-1', { cookie: 'lang=de' });
    expect(entry.html).toContain('data-translation="missing"');
    expect(entry.text).toContain('Dieser Eintrag ist nicht auf Deutsch veröffentlicht');
  });
});

describe('a path no route serves', () => {
  it.each(['/no-such-page', '/Verify'])('answers a browser asking for %s with the HTML 404 page, in its language', async (path) => {
    const page = await getPage(cx, path, { ...BROWSER, 'accept-language': 'de' });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(langOf(page.html)).toBe('de');
    expect(page.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(page.html).toContain('<title>Seite nicht gefunden · Credit-Börse des Konsortiums</title>');
    expect(page.html).toContain('<a href="/">Zur Startseite</a>');
  });

  it('answers an API client with problem+json', async () => {
    const response = await cx.fetch(new Request('http://localhost:3000/no-such-page', { headers: { accept: 'application/json' } }));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, type: '/problems/not-found', detail: 'no route for GET /no-such-page' });
  });
});
