/** The member list as a DCC issuer registry: GET /registry/dcc-legacy.json. */
import { describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';

async function registry(cx: TestExchange, headers: Record<string, string> = {}) {
  const response = await cx.request('GET', '/registry/dcc-legacy.json', { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('application/json');
  return { response, body: (await response.json()) as { meta: { created: string; updated: string }; registry: Record<string, unknown> } };
}

describe('GET /registry/dcc-legacy.json', () => {
  it('lists each active member by its DID with its name, homepage and country, without a key', async () => {
    const cx = await testExchange();
    const { institution } = await cx.onboard('uni-a', { name: 'Universiteit A', country: 'NL', homepage: 'https://www.uni-a.example.nl' });
    await cx.onboard('uni-b', { name: 'Universität B', country: 'DE', homepage: 'https://www.uni-b.example.de' });

    const { body } = await registry(cx);

    expect(body.registry).toEqual({
      [institution.did]: { name: 'Universiteit A', url: 'https://www.uni-a.example.nl', location: 'NL' },
      'did:web:exchange.test%3A8080:institutions:uni-b': { name: 'Universität B', url: 'https://www.uni-b.example.de', location: 'DE' },
    });
  });

  it('leaves a suspended member out, and dates the change in meta.updated', async () => {
    const cx = await testExchange();
    const { institution: a } = await cx.onboard('uni-a');
    const { institution: b } = await cx.onboard('uni-b');
    const before = (await registry(cx)).body;

    expect((await cx.request('POST', '/v1/institutions/uni-b/suspend', { key: cx.adminKey })).status).toBe(200);
    const after = (await registry(cx)).body;

    expect(Object.keys(after.registry)).toEqual([a.did]);
    expect(after.registry[b.did]).toBeUndefined();
    expect(after.meta.created).toBe(before.meta.created);
    expect(after.meta.created).toBe(a.createdAt);
    expect(Date.parse(after.meta.updated)).toBeGreaterThan(Date.parse(before.meta.updated));
  });

  it('answers an empty registry, dated now, before any member joined', async () => {
    const cx = await testExchange();
    const { body } = await registry(cx);
    expect(body.registry).toEqual({});
    expect(Math.abs(Date.parse(body.meta.created) - Date.now())).toBeLessThan(60_000);
    expect(body.meta.updated).toBe(body.meta.created);
  });

  it('may be read by a page on any origin, and is described in the OpenAPI document', async () => {
    const cx = await testExchange();
    const { response } = await registry(cx, { origin: 'https://verifierplus.example' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const openapi = (await (await cx.request('GET', '/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toContain('/registry/dcc-legacy.json');
  });
});
