/** Signing-key rotation: POST /v1/institutions/{id}/keys/rotate and what the DID document shows after it. */
import { describe, expect, it } from 'vitest';
import type { Store } from '@cx/store';
import { tableSnapshot } from '../../../test/support/dynamo.js';
import { testExchange } from '../../../test/support/exchange.js';
import { observedKeyVault } from '../../../test/support/key-vault.js';
import { expectProblem } from '../../../test/support/problem.js';

interface DidDocument {
  id: string;
  verificationMethod: Array<{ id: string; publicKeyMultibase: string }>;
  assertionMethod: string[];
  authentication: string[];
}

type Key = { id: string; status: string; publicKeyMultibase: string };

describe('POST /v1/institutions/{id}/keys/rotate', () => {
  it('makes key-2 the active key and retires key-1', async () => {
    const cx = await testExchange();
    const { institution } = await cx.onboard('uni-a');

    const response = await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey });

    expect(response.status).toBe(200);
    const keys = ((await response.json()) as { keys: Key[] }).keys;
    expect(keys.map(({ id, status }) => ({ id, status }))).toEqual([
      { id: 'key-1', status: 'retired' },
      { id: 'key-2', status: 'active' },
    ]);
    expect(keys[0]!.publicKeyMultibase).toBe(institution.keys[0].publicKeyMultibase);
    expect(keys[1]!.publicKeyMultibase).not.toBe(keys[0]!.publicKeyMultibase);
  });

  it('keeps the retired key in the DID document as a verification and assertion method', async () => {
    const cx = await testExchange();
    const { institution } = await cx.onboard('uni-a');
    await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey });

    const did = (await (await cx.request('GET', '/institutions/uni-a/did.json')).json()) as DidDocument;

    const key1 = `${institution.did}#key-1`;
    const key2 = `${institution.did}#key-2`;
    expect(did.verificationMethod.map((m) => m.id)).toEqual([key1, key2]);
    expect(did.verificationMethod[0]!.publicKeyMultibase).toBe(institution.keys[0].publicKeyMultibase);
    expect(did.assertionMethod).toEqual([key1, key2]);
    expect(did.authentication).toEqual([key2]);
  });

  it('shows the rotation in the member list', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey });

    const member = (await (await cx.request('GET', '/v1/institutions/uni-a')).json()) as { keys: Key[] };

    expect(member.keys.map((k) => `${k.id}:${k.status}`)).toEqual(['key-1:retired', 'key-2:active']);
  });

  it('keeps one active key over several rotations', async () => {
    const cx = await testExchange();
    await cx.onboard('uni-a');
    await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey });

    const response = await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey });

    const keys = ((await response.json()) as { keys: Key[] }).keys;
    expect(keys.map((k) => `${k.id}:${k.status}`)).toEqual(['key-1:retired', 'key-2:retired', 'key-3:active']);
    expect(new Set(keys.map((k) => k.publicKeyMultibase)).size).toBe(3);
  });

  it('answers 404 for an unknown institution and makes no key', async () => {
    const vault = observedKeyVault();
    const cx = await testExchange({ keyVault: vault });
    const before = await tableSnapshot(cx.deps.store);

    await expectProblem(await cx.request('POST', '/v1/institutions/uni-nowhere/keys/rotate', { key: cx.adminKey }), 404);

    expect(vault.created).toEqual([]);
    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('answers 503 and keeps the current key when the new key cannot be provisioned', async () => {
    let failing = false;
    const vault = observedKeyVault({ failCreate: () => (failing ? new Error('KMS is unavailable') : undefined) });
    const cx = await testExchange({ keyVault: vault });
    await cx.onboard('uni-a');
    const before = await tableSnapshot(cx.deps.store);
    failing = true;

    await expectProblem(await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey }), 503);

    expect(await tableSnapshot(cx.deps.store)).toEqual(before);
  });

  it('discards the new key when the institution changed while it was being made', async () => {
    let store: Store | undefined;
    const vault = observedKeyVault({
      // an admin suspends the institution between the read and the write of the rotation
      afterCreate: async ({ institutionId, keyId }) => {
        if (keyId === 'key-1') return;
        const current = (await store!.institutions.get(institutionId, true))!;
        await store!.institutions.update(current, { ...current, status: 'suspended' }, []);
      },
    });
    const cx = await testExchange({ keyVault: vault });
    store = cx.deps.store;
    await cx.onboard('uni-a');

    await expectProblem(await cx.request('POST', '/v1/institutions/uni-a/keys/rotate', { key: cx.adminKey }), 409);

    expect(vault.created.map((c) => c.labels.keyId)).toEqual(['key-1', 'key-2']);
    expect(vault.discarded).toEqual([vault.created[1]!.keyRef]);
    expect(vault.keyFiles()).toHaveLength(1);
    const keys = (await store.institutions.get('uni-a', true))!.keys;
    expect(keys.map((k) => `${k.id}:${k.status}`)).toEqual(['key-1:active']);
  });
});
