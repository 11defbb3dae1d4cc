/**
 * The consortium's admin keys in a deployed exchange. Lambda functions never hold an
 * admin key in their environment: an operator with the deployer's AWS credentials runs
 * `pnpm admin-key`, which writes the new key's hash into the table and prints the key
 * once. The same command makes further keys (e.g. one per operator, or after a loss).
 */
import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createAdminKey } from '@cx/runtime';
import { Store } from '@cx/store';

export interface AdminKeyRequest {
  /** Who asked, for the audit log (e.g. the operator's login). */
  operator: string;
}

/**
 * Creates an admin key in `store`'s table and records the operator in the audit log.
 *
 * @example
 * const { apiKey } = await issueAdminKey(store, { operator: 'alice' });
 */
export async function issueAdminKey(store: Store, request: AdminKeyRequest): Promise<{ keyId: string; apiKey: string }> {
  return createAdminKey(store, { kind: 'admin', id: `admin-key-command:${request.operator}` });
}

/**
 * A Store over a deployed table, after checking the table exists (a mistyped name or
 * region should say so, not fail halfway).
 */
export async function deployedStore(options: { table: string; region?: string; client?: DynamoDBClient }): Promise<Store> {
  const client = options.client ?? new DynamoDBClient(options.region ? { region: options.region } : {});
  try {
    await client.send(new DescribeTableCommand({ TableName: options.table }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      const region = await client.config.region();
      throw new Error(`no table ${options.table} in ${region}: use the TableName output of the stack, and --region if it is elsewhere`);
    }
    throw error;
  }
  return new Store({ tableName: options.table, client });
}
