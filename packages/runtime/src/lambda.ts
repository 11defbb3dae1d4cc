/**
 * Dependencies of a function in AWS Lambda, from its environment. Made once per
 * container (module scope of the handler), never per request.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RateLimitedKeyVault } from '@cx/signing';
import { KmsKeyVault } from '@cx/signing';
import { SqsJobQueue } from './sqs-queue.js';
import { Store } from '@cx/store';
import type { ExchangeDeps } from './deps.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function lambdaDeps(): ExchangeDeps {
  return {
    store: new Store({ tableName: required('TABLE_NAME'), client: new DynamoDBClient({}) }),
    // each function instance keeps to its share of the account's KMS Sign rate (CX_SIGN_RATE per second)
    keyVault: new RateLimitedKeyVault(new KmsKeyVault(new KMSClient({})), { perSecond: Number(process.env.CX_SIGN_RATE ?? 500) }),
    publicUrl: required('CX_PUBLIC_URL'),
    consortium: required('CX_CONSORTIUM'),
    batchQueue: process.env.BATCH_QUEUE_URL ? new SqsJobQueue(new SQSClient({}), process.env.BATCH_QUEUE_URL) : undefined,
  };
}
