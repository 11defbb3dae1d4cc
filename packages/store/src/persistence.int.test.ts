/**
 * The persistence contract on the DynamoDB Store over DynamoDB Local, a fresh table per
 * test: the same suite MemoryPersistence passes, so the two cannot drift apart.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { freshStore } from '../../../test/support/dynamo.js';
// the suite lives with the in-memory adapter it keeps honest; store does not depend on it
import { describePersistenceContract } from '../../memory-store/src/contract.js';

describePersistenceContract('Store on DynamoDB Local', async () => {
  const store = await freshStore();
  return {
    persistence: store,
    cleanup: async () => {
      await store.table.doc.send(new DeleteTableCommand({ TableName: store.table.name }));
    },
  };
});
