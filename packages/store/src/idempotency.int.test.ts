/** Idempotency claims on DynamoDB Local when the answer to a claim is lost after it was written. */
import { describe, expect, inject, it } from 'vitest';
import { freshStore } from '../../../test/support/dynamo.js';
// the fault layer lives with the runtimes that use it; store does not depend on them
import { injectFaults } from '../../runtime/src/faults.js';
import { localClient } from './dynamodb-local.js';
import { Store } from './store.js';

describe('a claim whose first answer was lost (timeout after the put took effect)', () => {
  it('is recognised as the caller’s own when the SDK’s retry finds it taken', async () => {
    const base = await freshStore();
    const client = localClient(inject('dynamoEndpoint'));
    // only the first PutItem times out after taking effect; the SDK's retry then fails its condition
    const stats = injectFaults(client, 'dynamodb', { rates: { dynamodb: 1 }, seed: 1, kinds: ['timeout-after-effect'], operations: ['PutItem'], maxFaults: 1 });
    const store = new Store({ tableName: base.table.name, client });
    const record = { key: 'k-1', requestHash: 'h', resultId: 'urn:uuid:1', state: 'pending' as const, createdAt: new Date().toISOString() };

    await expect(store.idempotency.claim('uni-a', record)).resolves.toBeUndefined();
    expect(stats.injected.dynamodb['timeout-after-effect']).toBe(1);
    expect(await base.idempotency.get('uni-a', 'k-1')).toMatchObject({ resultId: 'urn:uuid:1', state: 'pending' });
  });

  it('still answers another caller’s claim as taken', async () => {
    const store = await freshStore();
    const first = { key: 'k-2', requestHash: 'h', resultId: 'urn:uuid:a', state: 'pending' as const, createdAt: new Date().toISOString() };
    await store.idempotency.claim('uni-a', first);
    await expect(store.idempotency.claim('uni-a', { ...first, resultId: 'urn:uuid:b' })).resolves.toMatchObject({ resultId: 'urn:uuid:a' });
  });
});
