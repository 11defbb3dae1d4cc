/**
 * Starts one real DynamoDB Local engine for the whole test run. Each test file makes
 * its own table on it (see dynamo.ts), so files never see each other's data.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '@cx/store/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const engine = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', engine.endpoint);
  return async () => {
    await engine.stop();
  };
}
