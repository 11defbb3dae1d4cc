/** The DynamoDB side of a Lambda function's dependencies: every function but docs reads the table. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Store } from '@cx/store';
import { requiredEnv } from './lambda.js';

/** The store over the table named by TABLE_NAME, with one DynamoDB client for the container. */
export function lambdaStore(): Store {
  return new Store({ tableName: requiredEnv('TABLE_NAME'), client: new DynamoDBClient({}) });
}
