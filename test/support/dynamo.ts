/** A fresh table on the run's DynamoDB Local engine, for one test file or test. */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { Store } from '@cx/store';
import { ensureTable, localClient } from '@cx/store/dynamodb-local';
import { inject } from 'vitest';

export async function freshStore(): Promise<Store> {
  const client = localClient(inject('dynamoEndpoint'));
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  return new Store({ tableName, client });
}

/**
 * Every item in the table, for "nothing was written" assertions. Tests may scan;
 * request paths never do.
 */
export async function tableSnapshot(store: Store): Promise<unknown[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await store.table.doc.send(
      new ScanCommand({ TableName: store.table.name, ConsistentRead: true, ExclusiveStartKey: startKey as never }),
    );
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
