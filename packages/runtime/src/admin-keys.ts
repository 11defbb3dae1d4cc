/**
 * Consortium admin keys. There is never an admin key in a Lambda environment variable:
 * the first one is made by `pnpm start` on first start (locally) or by `pnpm admin-key`
 * run with the deployer's AWS credentials (in AWS), and only its hash is stored.
 */
import { generateApiKey, type Actor } from '@cx/domain';
import type { Store } from '@cx/store';

const BOOTSTRAP_SETTING = 'admin-bootstrap';

/** Creates an admin key and records who made it; returns the key, to be shown once. */
export async function createAdminKey(store: Store, actor: Actor, now = new Date()): Promise<{ keyId: string; apiKey: string }> {
  const key = generateApiKey();
  const at = now.toISOString();
  await store.commit([
    store.apiKeys.create({ keyId: key.keyId, owner: { kind: 'admin' }, secretHash: key.secretHash, createdAt: at }),
    store.audit.entry({ at, actor, action: 'admin-key.create', target: `admin/api-keys/${key.keyId}` }),
  ]);
  return { keyId: key.keyId, apiKey: key.apiKey };
}

/** Makes the first admin key once per table; later calls return undefined. */
export async function bootstrapAdminKey(store: Store): Promise<string | undefined> {
  if (await store.settings.get(BOOTSTRAP_SETTING)) return undefined;
  const { keyId, apiKey } = await createAdminKey(store, { kind: 'admin', id: 'bootstrap' });
  // two processes starting at once: only the first marks the bootstrap; the other's key stays valid but is never shown twice
  await store.settings.setOnce(BOOTSTRAP_SETTING, { keyId, at: new Date().toISOString() });
  return apiKey;
}
