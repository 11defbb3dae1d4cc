/**
 * The exchange's single DynamoDB table. Keys and indexes come from @cx/store's table
 * definition, the same one the local engine and the tests create, so the deployed table
 * cannot drift from what the repositories expect.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { BillingMode, ProjectionType, Table, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { createTableInput } from '@cx/store';

type TableInput = ReturnType<typeof createTableInput>;
type KeySchema = NonNullable<TableInput['KeySchema']>;

function attribute(input: TableInput, schema: KeySchema, keyType: 'HASH' | 'RANGE'): Attribute | undefined {
  const name = schema.find((key) => key.KeyType === keyType)?.AttributeName;
  if (!name) return undefined;
  const type = input.AttributeDefinitions?.find((definition) => definition.AttributeName === name)?.AttributeType;
  if (!type) throw new Error(`the table definition declares no type for key attribute ${name}`);
  // CDK's AttributeType values are DynamoDB's own type letters (S, N, B)
  return { name, type: type as Attribute['type'] };
}

function required(value: Attribute | undefined, what: string): Attribute {
  if (!value) throw new Error(`the table definition has no ${what}`);
  return value;
}

export class ExchangeTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // the name is a placeholder: CloudFormation names the deployed table
    const input = createTableInput('definition');
    const keySchema = input.KeySchema ?? [];

    this.table = new Table(this, 'Table', {
      partitionKey: required(attribute(input, keySchema, 'HASH'), 'partition key'),
      sortKey: attribute(input, keySchema, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // institutions, their keys' references and the audit log outlive any stack
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const index of input.GlobalSecondaryIndexes ?? []) {
      const schema = index.KeySchema ?? [];
      if (!index.IndexName) throw new Error('an index of the table definition has no name');
      if (index.Projection?.ProjectionType !== 'ALL') {
        throw new Error(`index ${index.IndexName}: only ALL projections are mapped, add the others here when needed`);
      }
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: required(attribute(input, schema, 'HASH'), `partition key for ${index.IndexName}`),
        sortKey: attribute(input, schema, 'RANGE'),
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
