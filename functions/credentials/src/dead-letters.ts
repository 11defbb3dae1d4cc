/**
 * AWS Lambda entry of the graduation runs' dead-letter consumer: a chunk SQS gave up on has
 * its remaining items reported failed, so its run ends (done-with-errors) instead of staying open.
 */
import { credentialServices } from '@cx/core';
import { lambdaDeps, lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { deadLetterConsumer } from './batch-handlers.js';

const deps = lambdaDeps({ store: lambdaStore() });

export const handler = onInvocation(deadLetterConsumer(credentialServices(deps).batches, lambdaLog));
