/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { handle } from 'hono/aws-lambda';
import { lambdaDeps } from '@cx/runtime';
import { createCredentialsApp } from './app.js';

const deps = lambdaDeps();
export const handler = handle(createCredentialsApp(deps, { batchQueue: deps.batchQueue }));
