/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { handle } from 'hono/aws-lambda';
import { createInstitutionsApp } from './app.js';
import { lambdaDeps } from '@cx/runtime';

export const handler = handle(createInstitutionsApp(lambdaDeps()));
