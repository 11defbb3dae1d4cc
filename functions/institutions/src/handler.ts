/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { handle } from 'hono/aws-lambda';
import { lambdaDeps } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaKeyVault } from '@cx/runtime/lambda-keys';
import { createInstitutionsApp } from './app.js';

export const handler = handle(createInstitutionsApp(lambdaDeps({ store: lambdaStore(), keyVault: lambdaKeyVault() })));
