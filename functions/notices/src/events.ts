/**
 * AWS Lambda entry of the SES event consumer: the configuration set's bounce and complaint
 * events, published to SNS, mark the notice their `notice` tag names.
 */
import { systemClock } from '@cx/domain';
import { lambdaLog, onInvocation } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { mailEventHandler } from './notice-handlers.js';

export const handler = onInvocation(mailEventHandler(lambdaStore().notices, systemClock, lambdaLog));
