/**
 * The exchange's single DynamoDB table: its key schema and indexes, shared by the
 * CDK stack, the local engine's bootstrap and the tests, so they cannot drift apart.
 *
 * Indexes are overloaded (generic `gsiNpk`/`gsiNsk` attributes): each entity puts what
 * its access patterns need there, and keys.ts says which entity uses which index for what.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const GSI_NAMES = ['gsi1', 'gsi2', 'gsi3'] as const;
export type GsiName = (typeof GSI_NAMES)[number];

export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Items with this attribute (epoch seconds) are removed by DynamoDB TTL: idempotency records. */
export const TTL_ATTRIBUTE = 'expiresAt';

export function createTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      ...GSI_NAMES.flatMap((name) => [
        { AttributeName: `${name}pk`, AttributeType: 'S' as const },
        { AttributeName: `${name}sk`, AttributeType: 'S' as const },
      ]),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: GSI_NAMES.map((name) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: `${name}pk`, KeyType: 'HASH' as const },
        { AttributeName: `${name}sk`, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
