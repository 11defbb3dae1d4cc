/** A fresh table on the run's DynamoDB Local engine, for one test file or test. */
import { randomUUID } from 'node:crypto';
import { Store } from '@cx/store';
import { ensureTable, localClient, scanTable } from '@cx/store/dynamodb-local';
import { inject } from 'vitest';

export async function freshStore(): Promise<Store> {
  const client = localClient(inject('dynamoEndpoint'));
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return new Store({ tableName, client });
}

/** Every item in the table, for "nothing was written" assertions. */
export async function tableSnapshot(store: Store): Promise<unknown[]> {
  return scanTable(store.table);
}
