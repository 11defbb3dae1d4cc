/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { handle } from 'hono/aws-lambda';
import { lambdaDeps } from '@cx/runtime';
import { createPagesApp } from './app.js';

export const handler = handle(createPagesApp(lambdaDeps()));
