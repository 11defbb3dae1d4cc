/** Authentication puts the caller in the typed context: an institution for its key, anonymous without one. */
import { generateApiKey, type ApiKeyRecord } from '@cx/domain';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authenticate, principalOf, type AuthDeps } from './auth.js';
import type { ApiEnv } from './env.js';

const key = generateApiKey();
const record: ApiKeyRecord = {
  keyId: key.keyId,
  owner: { kind: 'institution', institutionId: 'uni-a' },
  secretHash: key.secretHash,
  status: 'active',
  createdAt: '2026-01-01T00:00:00.000Z',
};
const deps: AuthDeps = { store: { apiKeys: { get: async (keyId) => (keyId === record.keyId ? record : undefined) } } };

/** An app that answers with the principal the middleware set, read through the typed context. */
function echoApp() {
  const app = new Hono<ApiEnv>();
  app.use('*', authenticate(deps));
  app.get('/', (c) => c.json({ fromGet: c.get('principal'), fromPrincipalOf: principalOf(c) }));
  return app;
}

describe('authenticate', () => {
  it('sets the institution of a valid key as the principal', async () => {
    const response = await echoApp().request('/', { headers: { authorization: `Bearer ${key.apiKey}` } });

    expect(response.status).toBe(200);
    const principal = { kind: 'institution', institutionId: 'uni-a', keyId: key.keyId };
    expect(await response.json()).toEqual({ fromGet: principal, fromPrincipalOf: principal });
  });

  it('sets an anonymous principal for a request without an Authorization header', async () => {
    const response = await echoApp().request('/');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ fromGet: { kind: 'anonymous' }, fromPrincipalOf: { kind: 'anonymous' } });
  });
});
