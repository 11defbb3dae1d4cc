/**
 * AWS Lambda entry of the notice sender: each SQS message is one notice, sent through SES
 * at this instance's share of the account's sending rate (CX_MAIL_RATE). A notice that could
 * not be sent yet is reported back (partial batch response) and redelivered by SQS; after
 * the queue's last delivery it goes to the dead-letter queue, whose consumer marks it failed.
 */
import { credentialServices } from '@cx/core';
import { lambdaDeps, lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaMailer } from '@cx/runtime/lambda-mail';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { noticeSenderHandler } from './notice-handlers.js';

const deps = lambdaDeps({ store: lambdaStore(), mailer: lambdaMailer() });

export const handler = onInvocation(noticeSenderHandler(credentialServices(deps).noticeSender, lambdaLog));
