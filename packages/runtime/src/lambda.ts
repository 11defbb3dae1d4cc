/**
 * Dependencies of a function in AWS Lambda, from its environment. Made once per
 * container (module scope of the handler), never per request.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyVault } from '@cx/signing';
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
    keyVault: new KmsKeyVault(new KMSClient({})),
    publicUrl: required('CX_PUBLIC_URL'),
    consortium: required('CX_CONSORTIUM'),
  };
}
