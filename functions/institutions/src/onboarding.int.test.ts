import { describe, expect, it } from 'vitest';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange } from '../../../test/support/exchange.js';

describe('institutions API', () => {
  it('onboards an institution with its own key and a resolvable DID document', async () => {
    const cx = await testExchange();
    const { institution, apiKey } = await cx.onboard('uni-a');
    expect(apiKey).toMatch(/^cxk_/);
    expect(institution.did).toBe('did:web:exchange.test%3A8080:institutions:uni-a');
    const did = await (await cx.request('GET', '/institutions/uni-a/did.json')).json();
    expect(did.assertionMethod).toEqual([`${institution.did}#key-1`]);
    expect(did.verificationMethod[0].publicKeyMultibase).toBe(institution.keys[0].publicKeyMultibase);
  });

  it('rejects a bad body with 400 naming the field and writes nothing', async () => {
    const cx = await testExchange();
    const before = await tableSnapshot(cx.deps.store);
    const response = await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: { id: 'uni-b', name: 'B', country: 'ZZ', homepage: 'https://b.example' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json()).errors.map((e: { field: string }) => e.field)).toEqual(['country']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});
