/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { lambdaDeps, lambdaHttp } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaKeyVault } from '@cx/runtime/lambda-keys';
import { lambdaNoticeQueue } from '@cx/runtime/lambda-queue';
import { createPagesApp } from './app.js';

export const handler = lambdaHttp(createPagesApp(lambdaDeps({ store: lambdaStore(), keyVault: lambdaKeyVault(), noticeQueue: lambdaNoticeQueue() })));
