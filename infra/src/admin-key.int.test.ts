import { randomUUID } from 'node:crypto';
import { localClient } from '@cx/store/dynamodb-local';
import { describe, expect, inject, it } from 'vitest';
import { freshStore } from '../../test/support/dynamo.js';
import { testExchange } from '../../test/support/exchange.js';
import { deployedStore, issueAdminKey } from './admin-key.js';

describe('pnpm admin-key', () => {
  it('makes a key that the exchange accepts on admin routes', async () => {
    const store = await freshStore();
    const { apiKey } = await issueAdminKey(store, { operator: 'alice' });
    const exchange = await testExchange({ store });

    const response = await exchange.request('GET', '/v1/audit', { key: apiKey });

    expect(response.status).toBe(200);
  });

  it('records the operator who made the key in the audit log', async () => {
    const store = await freshStore();

    const { keyId } = await issueAdminKey(store, { operator: 'alice' });

    const { items } = await store.audit.list({}, 10);
    expect(items).toEqual([
      expect.objectContaining({ action: 'admin-key.create', actor: { kind: 'admin', id: 'admin-key-command:alice' }, target: `admin/api-keys/${keyId}` }),
    ]);
  });

  it('refuses a table that does not exist, naming it', async () => {
    const table = `missing-${randomUUID()}`;
    await expect(deployedStore({ table, client: localClient(inject('dynamoEndpoint')) })).rejects.toThrow(`no table ${table} in eu-west-1`);
  });
});
