/**
 * The institutions function as Lambda runs it: its exported `handler`, configured only
 * through the environment the stack gives it, called with API Gateway HTTP API (payload
 * format 2.0) events, against the run's DynamoDB Local.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LambdaEvent } from 'hono/aws-lambda';
import { Store } from '@cx/store';
import { ensureTable, localClient } from '@cx/store/dynamodb-local';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { issueAdminKey } from '../infra/src/admin-key.js';
import { bundleFunction } from '../infra/src/bundle.js';

const API_ID = 'a1b2c3d4e5';
const HOST = `${API_ID}.execute-api.eu-west-1.amazonaws.com`;

interface LambdaResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** The payload format 2.0 event of an HTTP API. */
type HttpApiEvent = Extract<LambdaEvent, { version: string; routeKey: string }>;

type Handler = (event: HttpApiEvent, context: unknown) => Promise<LambdaResult>;

/** An event as API Gateway sends it for `routeKey` (see the topology), e.g. `ANY /v1/institutions/{id}`. */
function httpApiEvent(
  routeKey: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; query?: string; pathParameters?: Record<string, string> } = {},
): HttpApiEvent {
  const now = new Date();
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: options.query ?? '',
    ...(options.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) } : {}),
    headers: {
      accept: 'application/json',
      'content-length': String(body ? Buffer.byteLength(body) : 0),
      host: HOST,
      'user-agent': 'curl/8.5.0',
      'x-amzn-trace-id': 'Root=1-67891233-abcdef012345678912345678',
      'x-forwarded-for': '198.51.100.7',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: API_ID,
      domainName: HOST,
      domainPrefix: API_ID,
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'curl/8.5.0' },
      requestId: `${randomUUID().slice(0, 8)}=`,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      // routes without an authorizer get neither field from API Gateway; hono's type insists
    } as HttpApiEvent['requestContext'],
    body: body ?? null,
    isBase64Encoded: false,
  };
}

const lambdaContext = {
  functionName: 'ConsortiumExchange-FunctionsInstitutionsFunction',
  functionVersion: '$LATEST',
  awsRequestId: randomUUID(),
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 20_000,
};

let handler: Handler;
let store: Store;
let environment: Record<string, string>;

beforeAll(async () => {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `lambda-${randomUUID()}`;
  await ensureTable(localClient(endpoint), tableName);
  store = new Store({ tableName, client: localClient(endpoint) });
  // what the stack sets, plus what Lambda itself provides; set before the handler's
  // module runs, since it reads its environment once, at init
  environment = {
    TABLE_NAME: tableName,
    CX_PUBLIC_URL: `https://${HOST}`,
    CX_CONSORTIUM: 'test-consortium',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
  };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  ({ handler } = (await import('../functions/institutions/src/handler.js')) as unknown as { handler: Handler });
});

afterAll(() => {
  vi.unstubAllEnvs();
});

describe('the institutions Lambda handler', () => {
  it("answers with API Gateway's request id, so a response finds its access-log line", async () => {
    const event = httpApiEvent('ANY /v1/institutions', 'GET', '/v1/institutions');

    const result = await handler(event, lambdaContext);

    expect(result.headers['x-request-id']).toBe(event.requestContext.requestId);
  });

  it("keeps API Gateway's request id when the client sends its own x-request-id, handing the client's back as the correlation id", async () => {
    const event = httpApiEvent('ANY /v1/institutions', 'GET', '/v1/institutions', { headers: { 'x-request-id': 'client-chosen-id' } });

    const result = await handler(event, lambdaContext);

    expect(result.headers['x-request-id']).toBe(event.requestContext.requestId);
    expect(result.headers['x-correlation-id']).toBe('client-chosen-id');
  });

  it('answers GET /v1/institutions with 200 and an empty member list on an empty table', async () => {
    const result = await handler(httpApiEvent('ANY /v1/institutions', 'GET', '/v1/institutions'), lambdaContext);

    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(result.body)).toEqual({ items: [] });
  });

  it('answers POST /v1/institutions without a key with a 401 problem document', async () => {
    const event = httpApiEvent('ANY /v1/institutions', 'POST', '/v1/institutions', {
      body: { id: 'uni-a', name: 'University A', country: 'NL', homepage: 'https://uni-a.example.edu' },
    });

    const result = await handler(event, lambdaContext);

    expect(result.statusCode).toBe(401);
    expect(result.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(result.body)).toMatchObject({ status: 401, title: expect.any(String) });
  });

  it('answers GET of an unknown institution with a 404 problem document', async () => {
    const event = httpApiEvent('ANY /v1/institutions/{id}', 'GET', '/v1/institutions/uni-unknown', { pathParameters: { id: 'uni-unknown' } });

    const result = await handler(event, lambdaContext);

    expect(result.statusCode).toBe(404);
    expect(result.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('opens the admin routes to a key made by pnpm admin-key', async () => {
    const { apiKey } = await issueAdminKey(store, { operator: 'lambda-test' });

    const result = await handler(
      httpApiEvent('ANY /v1/audit', 'GET', '/v1/audit', { headers: { authorization: `Bearer ${apiKey}` } }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).items).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'admin-key.create' })]));
  });

  it('answers the same from the esbuild bundle that is deployed', () => {
    const bundle = bundleFunction({ name: 'institutions' }, mkdtempSync(join(tmpdir(), 'cx-lambda-')));
    const event = httpApiEvent('ANY /v1/institutions', 'GET', '/v1/institutions', { query: 'limit=5' });
    // a fresh Node.js process, as in a Lambda container: nothing shared with this test's modules
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});
      const result = await handler(JSON.parse(process.env.EVENT), {});
      process.stdout.write(JSON.stringify(result));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...environment, EVENT: JSON.stringify(event), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as LambdaResult;

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ items: expect.any(Array) });
  });
});
