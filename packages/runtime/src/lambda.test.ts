/** What a function's log carries in Lambda: the invocation's context and the request's keys on one record. */
import { createApiApp } from '@cx/http';
import type { LambdaEvent } from 'hono/aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { lambdaHttp } from './lambda.js';
import { createLog } from './log.js';

const context = {
  awsRequestId: 'lambda-request-1',
  functionName: 'cx-verify',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cx-verify',
  memoryLimitInMB: '1024',
  callbackWaitsForEmptyEventLoop: true,
  logGroupName: '/aws/lambda/cx-verify',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 1000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const event: LambdaEvent = {
  version: '2.0',
  routeKey: 'GET /boom',
  rawPath: '/boom',
  rawQueryString: '',
  headers: { host: 'exchange.example.eu' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    authentication: null,
    authorizer: {},
    domainName: 'exchange.example.eu',
    domainPrefix: 'exchange',
    http: { method: 'GET', path: '/boom', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    requestId: 'api-request-1',
    routeKey: 'GET /boom',
    stage: '$default',
    time: '02/Dec/2026:12:00:00 +0000',
    timeEpoch: 1_796_212_800_000,
  },
  body: null,
  isBase64Encoded: false,
};

describe('a function in Lambda', () => {
  it('logs an unexpected error as one record with the API and Lambda request ids, cold start and the stack', async () => {
    const lines: string[] = [];
    // Powertools writes errors to stderr and the rest to stdout
    for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
    const log = createLog();
    const app = createApiApp({ auth: { store: { apiKeys: { get: async () => undefined } } }, log });
    app.get('/boom', () => {
      throw new Error('the disk is on fire');
    });

    const response = (await lambdaHttp(app, log)(event, context)) as { statusCode: number };
    vi.restoreAllMocks();

    expect(response.statusCode).toBe(500);
    const records = lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'ERROR',
      requestId: 'api-request-1',
      path: '/boom',
      function_request_id: 'lambda-request-1',
      function_name: 'cx-verify',
      cold_start: expect.any(Boolean),
      error: { name: 'Error', message: 'the disk is on fire' },
    });
    expect(records[0].error.stack).toContain('lambda.test.ts');
  });
});
