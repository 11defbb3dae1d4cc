/**
 * AWS Lambda entry of the notice queue's dead-letter consumer: a notice SQS gave up on is
 * marked failed with the reason, so the institution sees it was never sent (and may send a
 * new one). It sends nothing: it has no mailer.
 */
import { credentialServices } from '@cx/core';
import { lambdaDeps, lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { noticeDeadLetters } from './notice-handlers.js';

const deps = lambdaDeps({ store: lambdaStore() });

export const handler = onInvocation(noticeDeadLetters(credentialServices(deps).noticeSender, lambdaLog));
