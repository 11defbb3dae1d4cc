/**
 * Lambda bundles: the size of every function's bundle beside its budget (issue 14: 700 KB,
 * the docs function 150 KB), how long a fresh Node.js process takes to import it (the
 * module-load part of a cold start) beside a bare hono app built the same way in the same run
 * (goal: at most 6x), and import plus a first request: what a cold start costs before its
 * first answer, so that work moved from import into the first request still shows. The
 * bundles come from infra/src/bundle.ts, the module the CDK stack deploys with, so these are
 * the deployed sizes. First requests go to a local exchange's DynamoDB Local table, seeded
 * with a member institution, a published component and a credential it issued.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startLocalExchange } from '@cx/local';
import { startDynamoDbLocal } from '@cx/store/dynamodb-local';
import { FUNCTIONS, type FunctionSpec } from '@cx/runtime/topology';
import { sizeBudget, sizeGoal } from '../../infra/src/bundle-budgets.js';
import { bundleEntry, bundleFunction, NODE_MAJOR, type Bundle } from '../../infra/src/bundle.js';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { median, ms, printTable } from './report.js';

export const name = 'bundles';
export const description = 'Lambda bundle sizes against their budgets, cold import against 6x a bare hono bundle, and import plus a first request';

/** Fresh processes per bundle; the median of them is reported. */
const RUNS = Number(process.env.CX_BENCH_BUNDLE_RUNS ?? 7);
/** The issue's goal for a cold import, as a multiple of the bare hono bundle's. */
const IMPORT_GOAL = 6;

/** What the stack's environment gives a function: its module scope reads it at import. */
const FUNCTION_ENV = {
  TABLE_NAME: 'bench',
  CX_PUBLIC_URL: 'https://exchange.example.eu',
  CX_CONSORTIUM: 'bench',
  AWS_REGION: 'eu-west-1',
  // what Lambda puts in every function's environment: its role's credentials
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  // the functions that send graduation-run chunks or notices refuse to start without their queue
  BATCH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench-batches',
  NOTICE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bench-notices',
  // and the notice sender without its SES sender and configuration set
  MAIL_FROM: 'notices@exchange.example.eu',
  MAIL_CONFIGURATION_SET: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** A request as API Gateway (HTTP API, payload 2.0) hands it to a function. */
interface FirstRequest {
  routeKey: string;
  method: string;
  path: string;
  key?: string;
  body?: unknown;
  /** The status the request must answer with: anything else means the figure measured a failure. */
  status: number;
}

function httpApiEvent(request: FirstRequest): object {
  const body = request.body === undefined ? null : JSON.stringify(request.body);
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: request.path,
    rawQueryString: '',
    headers: {
      host: 'exchange.example.eu',
      accept: 'application/json',
      ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
      ...(request.key ? { authorization: `Bearer ${request.key}` } : {}),
    },
    requestContext: {
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
    },
    body,
    isBase64Encoded: false,
  };
}

interface Sample {
  importMs: number;
  /** Import and the first request's answer, when the function has one here. */
  totalMs?: number;
  status?: number;
}

/** A new Node.js process imports the bundle and, when given an event, answers it once. */
function coldStart(bundle: Bundle, env: Record<string, string>, request?: FirstRequest): Sample {
  const script = `
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundle.file).href)});
    const t1 = performance.now();
    const event = process.env.BENCH_EVENT;
    const result = event ? await handler(JSON.parse(event), { functionName: 'bench', awsRequestId: 'bench' }) : undefined;
    process.stdout.write(JSON.stringify({ importMs: t1 - t0, totalMs: event ? performance.now() - t0 : undefined, status: result?.statusCode }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env, ...(request ? { BENCH_EVENT: JSON.stringify(httpApiEvent(request)) } : {}) },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Sample;
}

async function post(url: string, key: string | undefined, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** A member institution with a published component and one credential issued, through the local exchange. */
async function seed(base: string, adminKey: string): Promise<{ institution: string; key: string; credential: { id: string; credential: object } }> {
  const institution = 'uni-bundles';
  const { apiKey: key } = await post(`${base}/v1/institutions`, adminKey, { id: institution, name: 'University Bundles', country: 'NL', homepage: 'https://bundles.example.edu' });
  const put = await fetch(`${base}/v1/institutions/${institution}/components/ML-1`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(componentBody()),
  });
  if (put.status !== 201) throw new Error(`publishing answered ${put.status}: ${await put.text()}`);
  const credential = await post(`${base}/v1/institutions/${institution}/credentials`, key, {
    achievement: { type: 'component', code: 'ML-1' },
    recipient: { name: 'Student Bundles', email: 'student@example.org', studentId: 'S-1' },
    result: { grade: 'B', ectsEarned: 5 },
  });
  return { institution, key, credential };
}

/** One representative first request per HTTP function: each reads the table as its routes do. */
function firstRequests(seeded: Awaited<ReturnType<typeof seed>>): Record<string, FirstRequest> {
  const { institution: id, key, credential } = seeded;
  return {
    institutions: { routeKey: 'ANY /v1/institutions/{id}', method: 'GET', path: `/v1/institutions/${id}`, status: 200 },
    catalogue: { routeKey: 'GET /v1/components', method: 'GET', path: '/v1/components', status: 200 },
    credentials: { routeKey: 'ANY /v1/institutions/{id}/credentials/{proxy+}', method: 'GET', path: `/v1/institutions/${id}/credentials/${credential.id}`, key, status: 200 },
    // a real verification: the proof, the member issuer and both status lists
    verify: { routeKey: 'POST /v1/credentials/verify', method: 'POST', path: '/v1/credentials/verify', body: { verifiableCredential: credential.credential }, status: 200 },
    exchanges: { routeKey: 'ANY /exchanges/{proxy+}', method: 'GET', path: `/exchanges/${randomUUID()}`, status: 404 },
    oid4vci: { routeKey: 'GET /.well-known/openid-credential-issuer/institutions/{proxy+}', method: 'GET', path: `/.well-known/openid-credential-issuer/institutions/${id}`, status: 200 },
    recognition: { routeKey: 'GET /v1/agreements', method: 'GET', path: '/v1/agreements', key, status: 200 },
    pages: { routeKey: 'GET /catalogue', method: 'GET', path: '/catalogue', status: 200 },
    docs: { routeKey: 'GET /openapi.json', method: 'GET', path: '/openapi.json', status: 200 },
  };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} KB`;

export async function run(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'cx-bench-bundles-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-bundles-data-'));
  const dynamo = await startDynamoDbLocal();
  const tableName = 'bench-bundles';
  const exchange = await startLocalExchange({ port: 0, dataDir, dynamoEndpoint: dynamo.endpoint, tableName });
  try {
    const requests = firstRequests(await seed(`http://127.0.0.1:${exchange.port}`, exchange.generatedAdminKey!));
    const env = {
      ...FUNCTION_ENV,
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      CX_PUBLIC_URL: exchange.deps.publicUrl,
      CX_CONSORTIUM: exchange.deps.consortium,
    };
    const targets: Array<{ label: string; bundle: Bundle; spec?: FunctionSpec }> = [
      { label: 'hono hello (baseline)', bundle: bundleEntry('test/bench/hono-hello.ts', join(outDir, 'hono-hello')) },
      ...FUNCTIONS.map((spec) => ({ label: spec.name, bundle: bundleFunction(spec, outDir), spec })),
    ];
    const samples = new Map(targets.map((target) => [target, [] as Sample[]]));
    // interleaved, so that a slower moment of the machine is shared by every bundle
    for (let run = 0; run < RUNS; run++) {
      for (const target of targets) {
        const request = target.spec && requests[target.spec.name];
        const sample = coldStart(target.bundle, env, request);
        if (request && sample.status !== request.status) throw new Error(`${target.label}: ${request.method} ${request.path} answered ${sample.status}, not ${request.status}`);
        samples.get(target)!.push(sample);
      }
    }

    const baseline = targets[0]!;
    const baselineImport = median(samples.get(baseline)!.map((sample) => sample.importMs));
    let met = 0;
    printTable(
      ['bundle', 'bytes (minified)', 'gzip', 'goal', 'size / goal', `import p50 (${RUNS})`, 'import x hello', `goal ${IMPORT_GOAL}x`, 'first request', 'import + first p50'],
      targets.map((target) => {
        const runs = samples.get(target)!;
        const importMs = median(runs.map((sample) => sample.importMs));
        const totals = runs.flatMap((sample) => (sample.totalMs === undefined ? [] : [sample.totalMs]));
        const goal = target.spec ? sizeGoal(target.spec) : undefined;
        const sizeOk = goal === undefined || target.bundle.bytes <= goal;
        const importOk = importMs / baselineImport <= IMPORT_GOAL;
        if (target.spec && sizeOk && importOk) met++;
        const request = target.spec && requests[target.spec.name];
        return [
          target.label,
          target.bundle.bytes.toLocaleString('en-US'),
          gzipSync(readFileSync(target.bundle.file)).length.toLocaleString('en-US'),
          goal === undefined ? '' : kb(goal),
          goal === undefined ? '' : `${(target.bundle.bytes / goal).toFixed(2)}${sizeOk ? '' : ' (over)'}`,
          ms(importMs),
          (importMs / baselineImport).toFixed(1),
          target.spec ? (importOk ? 'met' : 'over') : '',
          request ? `${request.method} ${request.path.length > 34 ? `${request.path.slice(0, 31)}...` : request.path} ${request.status}` : target.spec ? '(queue or schedule)' : '',
          totals.length ? ms(median(totals)) : '',
        ];
      }),
    );
    console.log(`\n${met} of ${FUNCTIONS.length} functions within both their size goal and ${IMPORT_GOAL}x hello's import.`);
    const overBudget = targets.filter((target) => target.spec && target.bundle.bytes > sizeBudget(target.spec));
    if (overBudget.length) console.log(`Over their budget (infra/src/bundle-budgets.ts): ${overBudget.map((target) => target.label).join(', ')}`);
    console.log(
      `\nBundles target node${NODE_MAJOR} (the Lambda runtime); times measured here with Node.js ${process.versions.node}, each in a new process, ` +
        'against DynamoDB Local. Lambda adds its own init around the import, and its CPU share scales with the memory setting.',
    );
  } finally {
    await exchange.stop();
    await dynamo.stop();
    rmSync(outDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
