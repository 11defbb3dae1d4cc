/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { lambdaDeps, lambdaHttp } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { lambdaKeyVault } from '@cx/runtime/lambda-keys';
import { createOid4vciApp } from './app.js';

// signs holder copies with the institution's key
export const handler = lambdaHttp(createOid4vciApp(lambdaDeps({ store: lambdaStore(), keyVault: lambdaKeyVault() })));
