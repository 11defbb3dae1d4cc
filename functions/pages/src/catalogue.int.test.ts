/**
 * The catalogue pages without a browser: search with the API's filters, errors tied to the
 * field that caused them, and an entry's page with its elements, versions and the
 * micro-degrees it counts towards.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { badgeBody, componentBody, degreeBody } from '../../catalogue/src/fixtures.js';
import { elementById, getPage } from './test-support.js';

let cx: TestExchange;
const key: Record<string, string> = {};

beforeAll(async () => {
  cx = await testExchange();
  key['uni-a'] = (await cx.onboard('uni-a', { name: 'Universiteit Leiden' })).apiKey;
  key['uni-b'] = (await cx.onboard('uni-b', { name: 'Université de Lyon', country: 'FR' })).apiKey;
  const put = async (institution: string, path: string, body: unknown) => {
    const response = await cx.request('PUT', `/v1/institutions/${institution}/${path}`, { key: key[institution], body });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
  };
  await put('uni-a', 'components/ML-1', componentBody());
  await put('uni-a', 'components/ML-1', componentBody({ ects: 6 }));
  await put('uni-a', 'components/HIST-1', componentBody({ title: 'Medieval Cities', iscedField: '0222', eqfLevel: 5, languages: ['fr'], participation: 'onsite' }));
  await put('uni-b', 'components/DE-1', componentBody({ title: 'Data Engineering', languages: ['fr', 'en'] }));
  await put('uni-b', 'micro-degrees/ADS', degreeBody([{ institution: 'uni-a', code: 'ML-1' }, { institution: 'uni-b', code: 'DE-1' }]));
  await put('uni-b', 'badges/MENTOR', badgeBody());
});

// each result's link text: its title, then the university as words only a screen reader says
const titles = (html: string) => [...html.matchAll(/<h3><a href="[^"]+">([^<]+)<span class="visually-hidden">/g)].map((m) => m[1]);

describe('searching', () => {
  it('lists every active component without filters', async () => {
    const page = await getPage(cx, '/catalogue');
    expect(page.status).toBe(200);
    expect(titles(page.html).sort()).toEqual(['Data Engineering', 'Introduction to Machine Learning', 'Medieval Cities']);
  });

  it('applies the filters of the search API', async () => {
    expect(titles((await getPage(cx, '/catalogue?kind=components&field=06&language=fr')).html)).toEqual(['Data Engineering']);
    expect(titles((await getPage(cx, '/catalogue?kind=components&eqfLevel=5')).html)).toEqual(['Medieval Cities']);
    expect(titles((await getPage(cx, '/catalogue?kind=components&q=medieval')).html)).toEqual(['Medieval Cities']);
    expect(titles((await getPage(cx, '/catalogue?kind=components&institution=uni-b&minEcts=5&maxEcts=5')).html)).toEqual(['Data Engineering']);
  });

  it('finds the micro-degrees a component counts towards', async () => {
    expect(titles((await getPage(cx, '/catalogue?kind=micro-degrees&component=uni-a%2FML-1')).html)).toEqual(['Applied Data Science']);
    expect(titles((await getPage(cx, '/catalogue?kind=micro-degrees&component=uni-a%2FHIST-1')).html)).toEqual([]);
  });

  it('searches badges by category', async () => {
    expect(titles((await getPage(cx, '/catalogue?kind=badges&category=social-engagement')).html)).toEqual(['Peer Mentor']);
    expect(titles((await getPage(cx, '/catalogue?kind=badges&category=digital-skills')).html)).toEqual([]);
  });

  it('shows a wrong filter next to its field, and searches nothing', async () => {
    const page = await getPage(cx, '/catalogue?kind=components&field=9999&maxEcts=100');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Field of education (ISCED-F code): must be an ISCED-F 2013 code');
    expect(page.text).toContain('ECTS up to: must be a number from 0 to 60');
    expect(elementById(page.html, 'field')).toContain('aria-invalid="true"');
    expect(elementById(page.html, 'field')).toContain('field-error');
    expect(titles(page.html)).toEqual([]);
  });

  it('keeps the filters given in the form', async () => {
    const page = await getPage(cx, '/catalogue?kind=components&q=data&eqfLevel=6');
    expect(elementById(page.html, 'q')).toContain('value="data"');
    expect(page.html).toContain('<option value="6" selected="">Level 6</option>');
  });
});

describe("an entry's page", () => {
  it('shows every element of a component in words', async () => {
    const page = await getPage(cx, '/catalogue/components/uni-a/ML-1');
    expect(page.status).toBe(200);
    for (const fact of [
      'ECTS credits 6',
      'EQF level 6',
      '0613 Software and applications development and analysis',
      'Explain bias and variance',
      'Assessment Project',
      'Supervision and identity check Supervised',
      'Form of participation Blended',
      'Quality assurance Internal QA',
      'Languages of instruction English (en)',
      'Awarding body Universiteit Leiden',
    ]) {
      expect(page.text).toContain(fact);
    }
  });

  it('links to each version, and shows an earlier one as it was', async () => {
    const latest = await getPage(cx, '/catalogue/components/uni-a/ML-1');
    expect(latest.text).toContain('version 2 (the latest)');
    expect(latest.html).toContain('href="/catalogue/components/uni-a/ML-1/versions/1"');
    const first = await getPage(cx, '/catalogue/components/uni-a/ML-1/versions/1');
    expect(first.text).toContain('version 1 of 2');
    expect(first.text).toContain('ECTS credits 5');
  });

  it('lists the micro-degrees a component counts towards', async () => {
    const page = await getPage(cx, '/catalogue/components/uni-a/ML-1');
    expect(page.html).toContain('href="/catalogue/micro-degrees/uni-b/ADS"');
    expect(page.text).toContain('Applied Data Science (Université de Lyon');
  });

  it("lists a micro-degree's components across institutions", async () => {
    const page = await getPage(cx, '/catalogue/micro-degrees/uni-b/ADS');
    expect(page.text).toContain('Introduction to Machine Learning (Universiteit Leiden, 6 ECTS)');
    expect(page.text).toContain('Data Engineering (Université de Lyon, 5 ECTS)');
    expect(page.text).toContain('To earn it All 2 components');
  });

  it('answers an unknown entry with a page saying so', async () => {
    const page = await getPage(cx, '/catalogue/components/uni-a/NOPE');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('uni-a has no component NOPE');
  });
});
