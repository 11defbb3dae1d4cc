/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { lambdaDeps, lambdaHttp } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaKeyVault } from '@cx/runtime/lambda-keys';
import { lambdaBatchQueue, lambdaNoticeQueue } from '@cx/runtime/lambda-queue';
import { createCredentialsApp } from './app.js';

const deps = lambdaDeps({ store: lambdaStore(), keyVault: lambdaKeyVault(), batchQueue: lambdaBatchQueue(), noticeQueue: lambdaNoticeQueue() });
export const handler = lambdaHttp(createCredentialsApp(deps));
