/** Onboarding: POST /v1/institutions, the institution object, its signing key and its DID document. */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { didDocumentUrl, multibaseToEd25519 } from '@cx/domain';
import { spkiFromRawEd25519 } from '@cx/signing';
import type { Store } from '@cx/store';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange } from '../../../test/support/exchange.js';
import { observedKeyVault } from '../../../test/support/key-vault.js';
import { expectProblem, fieldsOf } from '../../../test/support/problem.js';

interface DidDocument {
  id: string;
  verificationMethod: Array<{ id: string; type: string; controller: string; publicKeyMultibase: string }>;
  assertionMethod: string[];
  authentication: string[];
}

const newInstitution = (id: string) => ({ id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu` });

describe('POST /v1/institutions', () => {
  it('onboards an institution with its own key and a resolvable DID document', async () => {
    const cx = await testExchange();
    const { institution, apiKey } = await cx.onboard('uni-a');
    expect(apiKey).toMatch(/^cxk_/);
    expect(institution.did).toBe('did:web:exchange.test%3A8080:institutions:uni-a');
    const did = (await (await cx.request('GET', '/institutions/uni-a/did.json')).json()) as DidDocument;
    expect(did.assertionMethod).toEqual([`${institution.did}#key-1`]);
    expect(did.verificationMethod[0]!.publicKeyMultibase).toBe(institution.keys[0].publicKeyMultibase);
  });

  it('answers 201 with exactly the contract fields of the institution, a Location and no key reference', async () => {
    const cx = await testExchange();
    const response = await cx.request('POST', '/v1/institutions', {
      key: cx.adminKey,
      body: { ...newInstitution('uni-leiden'), erasmusCode: 'NL LEIDEN01' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/v1/institutions/uni-leiden');
    const { institution } = (await response.json()) as { institution: Record<string, unknown> };
    expect(Object.keys(institution).sort()).toEqual(['country', 'createdAt', 'defaultLanguage', 'did', 'erasmusCode', 'homepage', 'id', 'keys', 'name', 'status']);
    expect(institution).toMatchObject({
      id: 'uni-leiden',
      name: 'University uni-leiden',
      country: 'NL',
      homepage: 'https://uni-leiden.example.edu',
      erasmusCode: 'NL LEIDEN01',
      status: 'active',
    });
    const keys = institution.keys as Array<Record<string, unknown>>;
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0]!).sort()).toEqual(['createdAt', 'id', 'publicKeyMultibase', 'status']);
    expect(keys[0]).toMatchObject({ id: 'key-1', status: 'active', publicKeyMultibase: expect.stringMatching(/^z6Mk/) });
  });

  it('gives every institution its own signing key', async () => {
    const cx = await testExchange();
    const a = await cx.onboard('uni-a');
    const b = await cx.onboard('uni-b');
    expect(a.institution.keys[0].publicKeyMultibase).not.toBe(b.institution.keys[0].publicKeyMultibase);
    expect(a.apiKey).not.toBe(b.apiKey);
  });

  it('labels the new key with the consortium and the institution', async () => {
    const vault = observedKeyVault();
    const cx = await testExchange({ keyVault: vault });
    await cx.onboard('uni-a');
    expect(vault.created.map((c) => c.labels)).toEqual([{ consortium: 'test', institutionId: 'uni-a', keyId: 'key-1' }]);
  });

  it('publishes a key that verifies what the vault signs with the institution key', async () => {
    const vault = observedKeyVault();
    const cx = await testExchange({ keyVault: vault });
    await cx.onboard('uni-a');
    const did = (await (await cx.request('GET', '/institutions/uni-a/did.json')).json()) as DidDocument;
    const stored = await cx.deps.store.institutions.get('uni-a');
    const message = new TextEncoder().encode('a credential to sign');

    const signature = await vault.sign(stored!.keys[0]!.keyRef, message);

    const publicKey = createPublicKey({ key: spkiFromRawEd25519(multibaseToEd25519(did.verificationMethod[0]!.publicKeyMultibase)), format: 'der', type: 'spki' });
    expect(verify(null, message, publicKey, signature)).toBe(true);
  });

  it('answers 409 to a duplicate id, creates no second key and leaves the first institution as it was', async () => {
    const vault = observedKeyVault();
    const cx = await testExchange({ keyVault: vault });
    const first = await cx.onboard('uni-a');
    const before = await tableSnapshot(cx.deps.store);

    const response = await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: { ...newInstitution('uni-a'), name: 'Impostor' } });

    await expectProblem(response, 409);
    expect(vault.created).toHaveLength(1);
    expect(vault.keyFiles()).toHaveLength(1);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    const current = (await (await cx.request('GET', '/v1/institutions/uni-a')).json()) as Record<string, any>;
    expect(current.name).toBe('University uni-a');
    expect(current.keys).toEqual(first.institution.keys);
  });

  it('onboards once when the same id is sent twice at the same time, keeping one key', async () => {
    const vault = observedKeyVault();
    const cx = await testExchange({ keyVault: vault });

    const responses = await Promise.all(
      [1, 2].map(() => cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: newInstitution('uni-a') })),
    );

    expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
    const stored = await cx.deps.store.institutions.get('uni-a', true);
    expect(vault.keyFiles()).toHaveLength(1);
    expect(vault.created.map((c) => c.keyRef).filter((ref) => !vault.discarded.includes(ref))).toEqual([stored!.keys[0]!.keyRef]);
    expect((await cx.deps.store.apiKeys.list({ kind: 'institution', institutionId: 'uni-a' }, 10)).items).toHaveLength(1);
  });

  it('answers 503 and stores nothing when the signing key cannot be provisioned', async () => {
    const vault = observedKeyVault({ failCreate: () => new Error('KMS is unavailable') });
    const cx = await testExchange({ keyVault: vault });
    const before = await tableSnapshot(cx.deps.store);

    const problem = await expectProblem(await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: newInstitution('uni-a') }), 503);

    expect(problem.detail).not.toContain('KMS is unavailable');
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
    await expectProblem(await cx.request('GET', '/v1/institutions/uni-a'), 404);
  });

  it('can be retried after a failed key provisioning', async () => {
    let failing = true;
    const vault = observedKeyVault({ failCreate: () => (failing ? new Error('KMS is unavailable') : undefined) });
    const cx = await testExchange({ keyVault: vault });
    await expectProblem(await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: newInstitution('uni-a') }), 503);

    failing = false;

    expect((await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: newInstitution('uni-a') })).status).toBe(201);
  });

  it('discards the new key when the write fails after the key was made', async () => {
    let store: Store | undefined;
    // a concurrent onboarding of the same id wins the race between the key and the write
    const vault = observedKeyVault({
      afterCreate: async ({ institutionId }) => {
        const now = new Date().toISOString();
        await store!.institutions.create({ ...newInstitution(institutionId), status: 'active', keys: [], createdAt: now, updatedAt: now }, []);
      },
    });
    const cx = await testExchange({ keyVault: vault });
    store = cx.deps.store;

    await expectProblem(await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: newInstitution('uni-a') }), 409);

    expect(vault.created).toHaveLength(1);
    expect(vault.discarded).toEqual([vault.created[0]!.keyRef]);
    expect(vault.keyFiles()).toEqual([]);
    // neither the API key nor the audit record of the failed attempt was written
    expect((await cx.deps.store.apiKeys.list({ kind: 'institution', institutionId: 'uni-a' }, 10)).items).toEqual([]);
    expect((await cx.deps.store.audit.list({ institution: 'uni-a' }, 10)).items).toEqual([]);
  });

  it('stores API keys only as hashes: the secret appears nowhere in the table', async () => {
    const cx = await testExchange();
    const { apiKey } = await cx.onboard('uni-a');
    const extra = (await (await cx.request('POST', '/v1/institutions/uni-a/api-keys', { key: cx.adminKey })).json()) as { apiKey: string };

    const table = JSON.stringify(await tableSnapshot(cx.deps.store));

    for (const key of [apiKey, extra.apiKey, cx.adminKey]) {
      const secret = key.split('_').slice(2).join('_');
      expect(secret).toHaveLength(43);
      expect(table).not.toContain(secret);
      expect(table).toContain(createHash('sha256').update(secret).digest('hex'));
    }
  });

  it('returns an API key made of a recognisable prefix, a key id and 256 bits of randomness', async () => {
    const cx = await testExchange();
    const { apiKey } = await cx.onboard('uni-a');
    const match = /^cxk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/.exec(apiKey);
    expect(match).not.toBeNull();
    expect(Buffer.from(match![2]!, 'base64url')).toHaveLength(32);
  });

  it('rejects a bad body with 400 naming the field and writes nothing', async () => {
    const cx = await testExchange();
    const before = await tableSnapshot(cx.deps.store);
    const response = await cx.request('POST', '/v1/institutions', { key: cx.adminKey, body: { id: 'uni-b', name: 'B', country: 'ZZ', homepage: 'https://b.example' } });
    expect(fieldsOf(await expectProblem(response, 400))).toEqual(['country']);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });
});

describe('GET /institutions/{id}/did.json', () => {
  it('encodes the port of the public URL as %3A in the DID', async () => {
    const cx = await testExchange({ publicUrl: 'http://localhost:3000' });
    await cx.onboard('uni-a');
    const did = (await (await cx.request('GET', '/institutions/uni-a/did.json')).json()) as DidDocument;
    expect(did.id).toBe('did:web:localhost%3A3000:institutions:uni-a');
    expect(didDocumentUrl(did.id)).toBe('http://localhost:3000/institutions/uni-a/did.json');
  });

  it('uses the bare host when the public URL has no port', async () => {
    const cx = await testExchange({ publicUrl: 'https://exchange.example.eu' });
    const { institution } = await cx.onboard('uni-a');
    const did = (await (await cx.request('GET', '/institutions/uni-a/did.json')).json()) as DidDocument;
    expect(did.id).toBe('did:web:exchange.example.eu:institutions:uni-a');
    expect(institution.did).toBe(did.id);
    expect(didDocumentUrl(did.id)).toBe('https://exchange.example.eu/institutions/uni-a/did.json');
  });

  it('describes the key as a Multikey controlled by the institution DID', async () => {
    const cx = await testExchange();
    const { institution } = await cx.onboard('uni-a');
    const did = (await (await cx.request('GET', '/institutions/uni-a/did.json')).json()) as DidDocument;
    expect(did.verificationMethod).toEqual([
      { id: `${institution.did}#key-1`, type: 'Multikey', controller: institution.did, publicKeyMultibase: institution.keys[0].publicKeyMultibase },
    ]);
    expect(did.authentication).toEqual([`${institution.did}#key-1`]);
  });

  it('answers 404 for an institution that is not a member', async () => {
    const cx = await testExchange();
    await expectProblem(await cx.request('GET', '/institutions/uni-nowhere/did.json'), 404);
  });
});
