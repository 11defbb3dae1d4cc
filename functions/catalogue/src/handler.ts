/** AWS Lambda entry: the same app as everywhere, with dependencies made once per container. */
import { lambdaDeps, lambdaHttp } from '@cx/runtime/lambda';
import { lambdaStore } from '@cx/runtime/lambda-store';
import { createCatalogueApp } from './app.js';

export const handler = lambdaHttp(createCatalogueApp(lambdaDeps({ store: lambdaStore() })));
