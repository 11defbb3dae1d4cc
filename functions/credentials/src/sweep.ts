/**
 * AWS Lambda entry of the scheduled sweep of open graduation runs: chunks not counted for a
 * while are sent to the queue again, runs past their deadline are ended, finished runs closed.
 */
import { credentialServices } from '@cx/core';
import { lambdaDeps } from '@cx/runtime';
import { batchSweeper } from './batch-handlers.js';

const deps = lambdaDeps();

export const handler = batchSweeper(credentialServices(deps, { batchQueue: deps.batchQueue }).batches);
