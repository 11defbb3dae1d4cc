/**
 * Credentials benchmark, on a local exchange in this process (DynamoDB Local in memory, the
 * local key vault), with the figures of issue 14's Goals beside their goals:
 *
 * 1. Issuing over HTTP: this process's CPU per `POST /v1/institutions/{id}/credentials`
 *    (`process.cpuUsage()`: the exchange serving the request, its DynamoDB client included;
 *    DynamoDB Local is another process and is not counted, nor is the HTTP client, which runs in
 *    the plain pipeline's process), beside a plain @digitalbazaar/vc pipeline signing the same
 *    credential on stock, unpatched jsonld in a child process of its own (plain-pipeline.ts).
 * 2. Verifying over HTTP: the same for `POST /v1/credentials/verify` (proof, member issuer,
 *    status), beside a plain verifier checking the proof and each status list the credential
 *    names (its proof, issuer and purpose, and the entry's bits), from the DID document and status
 *    list bytes fetched once beforehand; and whether a revocation and a suspension are seen by
 *    the very next verification.
 * 3. A graduation run on one worker thread: the worker (the Lambda worker's code, one chunk at a
 *    time) in a child process with the local signer; credentials/s, its CPU and peak RSS through
 *    the run, and the DynamoDB requests of the whole run (start and chunks) per credential.
 * 4. A graduation run at a KMS Sign budget: the workers the stack's plan (sign-budget.ts)
 *    derives from the budget and the rate one worker sustains against the simulated KMS's
 *    latency (measured first, on up to 1,000 items), each a process with its own
 *    RateLimitedKeyVault at its CX_SIGN_RATE, against a simulated KMS account whose quota is the
 *    budget (20 ms per Sign, ThrottlingException past the quota in any second).
 * 5. A graduation run under injected faults (dynamodb=0.1,kms=0.1) through the in-process queue.
 *
 * Knobs: CX_BENCH_ISSUES (200), CX_BENCH_VERIFICATIONS (200), CX_BENCH_BATCH (10,000),
 * CX_BENCH_SIGN_BUDGET (200 Sign/s, or 0.9 x one worker's rate against KMS where that is less:
 * what this machine's one DynamoDB Local engine carries), CX_BENCH_FAULTY_BATCH (1,000).
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialServices, InProcessQueue, type BatchChunkMessage, type CredentialServices } from '@cx/core';
import { retry } from '@cx/domain';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { FAULT_SERVICES } from '@cx/runtime/faults';
import { graduationWorkerPlan, MEASURED_WORKER_RATE, planWorkers } from '@cx/runtime/sign-budget';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { bundleEntry } from '../../infra/src/bundle.js';
import { startChild, type BenchChild } from './channel.js';
import { countRequests, readsAndWrites, type RequestCounts } from '@cx/store/request-counts';
import type { WorkerConfig, WorkerStats } from './graduation-worker.js';
import { bytes, ms, printTable, reportGoals } from './report.js';
import { KmsAccount } from './simulated-kms.js';
import { runWorkers, type ChunkQueue } from './worker-pool.js';

export const name = 'credentials';
export const description =
  'CPU per issued and per verified credential over HTTP vs a plain pipeline on stock jsonld, graduation runs (one worker; workers at a KMS budget; under faults)';

const ISSUES = Number(process.env.CX_BENCH_ISSUES ?? 200);
const VERIFICATIONS = Number(process.env.CX_BENCH_VERIFICATIONS ?? 200);
const BATCH = Number(process.env.CX_BENCH_BATCH ?? 10_000);
const DEFAULT_SIGN_BUDGET = 200;
const SIGN_BUDGET = Number(process.env.CX_BENCH_SIGN_BUDGET ?? DEFAULT_SIGN_BUDGET);
/** What all workers together reach on this machine, in one worker's rate: DynamoDB Local is the shared ceiling. */
const MACHINE_WORKER_CAPACITY = 0.9;
const MAX_WORKER_PROCESSES = 8;
/** Items of the run that measures one worker against KMS's latency. */
const CALIBRATION_BATCH = 1_000;
const FAULTY_BATCH = Number(process.env.CX_BENCH_FAULTY_BATCH ?? 1_000);
const FAULT_RATE = 0.1;
const WARM_UP = 20;
const KMS_LATENCY_MS = 20;
const TABLE = 'bench-credentials';
const SECTION = 'credentials';

type Json = Record<string, any>;

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const times = (n: number) => `${n.toFixed(2)}x`;
const perSecond = (n: number) => `${n.toFixed(1)}/s`;
const count = (n: number) => String(n);
const yesNo = (n: number) => (n === 1 ? 'yes' : 'no');

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function post(url: string, key: string | undefined, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The exchange's public URLs name `localhost`; this process reaches it at 127.0.0.1. */
const reachable = (url: string, setup: Setup) => url.replace(/^https?:\/\/localhost:\d+/, setup.base);

interface Setup {
  exchange: LocalExchange;
  dataDir: string;
  /** graduation-worker.ts, bundled as the Lambda functions are. */
  workerBundle: string;
  base: string;
  key: string;
  institution: string;
}

async function setUp(exchange: LocalExchange, dataDir: string, institution: string, workerBundle = ''): Promise<Setup> {
  const base = `http://127.0.0.1:${exchange.port}`;
  const onboarded = await post(`${base}/v1/institutions`, exchange.generatedAdminKey, {
    id: institution,
    name: `University ${institution}`,
    country: 'NL',
    homepage: `https://${institution}.example.edu`,
  });
  if (onboarded.status !== 201) throw new Error(`onboarding answered ${onboarded.status}: ${await onboarded.text()}`);
  const key = ((await onboarded.json()) as { apiKey: string }).apiKey;
  const put = await fetch(`${base}/v1/institutions/${institution}/components/ML-1`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(componentBody()),
  });
  if (put.status !== 201) throw new Error(`publishing answered ${put.status}: ${await put.text()}`);
  return { exchange, dataDir, base, key, institution, workerBundle };
}

const issueRequest = (i: number) => ({
  achievement: { type: 'component' as const, code: 'ML-1' },
  recipient: { name: `Student ${i}`, email: `student-${i}@example.org`, studentId: `S-${i}` },
  result: { grade: 'B', ectsEarned: 5 },
});

// ---- stock jsonld ------------------------------------------------------------------------

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where a jsonld file lies: the package folder, `.../jsonld` of `.../jsonld/lib/documentLoaders/node.js`. */
const jsonldDirOf = (file: string) => /^(.*?[\\/]jsonld)[\\/]lib[\\/]/.exec(file)?.[1] ?? file;

/**
 * The unpatched jsonld for the plain pipeline: test/support/stock-jsonld.ts' copy, or, where
 * that helper is absent (no patch of jsonld in this tree), the jsonld installed for
 * @digitalbazaar/vc, which then is stock.
 */
async function stockJsonld(): Promise<{ dir: string; source: string }> {
  // a computed specifier: the helper is optional, so the typecheck does not need it
  const helper = '../support/stock-jsonld.js';
  try {
    const module = (await import(helper)) as { stockJsonldDir(): string | Promise<string> };
    return { dir: realpathSync(await module.stockJsonldDir()), source: 'test/support/stock-jsonld.ts' };
  } catch (error) {
    // no helper, or no patch for it to reverse: the installed jsonld is the stock one
    const { code, path } = error as { code?: string; path?: string };
    if (code !== 'ERR_MODULE_NOT_FOUND' && !(code === 'ENOENT' && path?.endsWith('.patch'))) throw error;
    const vc = realpathSync(join(REPO_ROOT, 'test/node_modules/@digitalbazaar/vc/package.json'));
    return { dir: realpathSync(dirname(createRequire(vc).resolve('jsonld/package.json'))), source: 'the installed jsonld: no patch of jsonld in this tree' };
  }
}

/** Starts the plain pipeline and checks that every jsonld file it loaded is the stock copy's. */
async function startPlainPipeline(): Promise<BenchChild> {
  const stock = await stockJsonld();
  const plain = startChild('plain-pipeline.ts', { CX_STOCK_JSONLD_DIR: stock.dir });
  await plain.ready;
  const { loaded } = await plain.channel.request<{ loaded: string[] }>('jsonld');
  const foreign = loaded.filter((file) => !file.startsWith(stock.dir + '/'));
  if (loaded.length === 0 || foreign.length > 0) throw new Error(`the plain pipeline loaded jsonld from elsewhere than ${stock.dir}: ${foreign.join(', ') || 'nothing at all'}`);
  const exchangeJsonld = [...new Set(Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\/]jsonld[\\/]lib[\\/]/.test(file)).map(jsonldDirOf))];
  console.log(`plain pipeline: jsonld from ${stock.dir} (${stock.source}); all ${loaded.length} jsonld files it loaded are that copy's`);
  console.log(`exchange: jsonld from ${exchangeJsonld.join(', ') || '(not loaded yet)'}${exchangeJsonld.includes(stock.dir) ? ' — the same copy: no patch applied' : ''}\n`);
  return plain;
}

/** This process's CPU per request while the plain pipeline's process sends `bodies` to `url`, one after another. */
async function exchangeCpuPerRequest(plain: BenchChild, url: string, headers: Record<string, string>, bodies: string[]): Promise<{ cpuMs: number; wallMs: number; last: string }> {
  const cpu = cpuMs();
  const wall = performance.now();
  const { last } = await plain.channel.request<{ last: string }>('drive', { url, headers, bodies });
  return { cpuMs: (cpuMs() - cpu) / bodies.length, wallMs: (performance.now() - wall) / bodies.length, last };
}

// ---- 1. issuing over HTTP -------------------------------------------------------------

async function issuingOverHttp(setup: Setup, plain: BenchChild): Promise<Json> {
  const url = `${setup.base}/v1/institutions/${setup.institution}/credentials`;
  const headers = { authorization: `Bearer ${setup.key}`, 'content-type': 'application/json' };
  // no notice: sending it is the notice-sender function's work in AWS, which the local exchange
  // would otherwise do in this process, paced, through the windows measured here
  const body = (i: number) => JSON.stringify({ ...issueRequest(i), notify: false });
  await exchangeCpuPerRequest(plain, url, headers, Array.from({ length: WARM_UP }, (_, i) => body(-1 - i)));
  const exchange = await exchangeCpuPerRequest(plain, url, headers, Array.from({ length: ISSUES }, (_, i) => body(i)));
  const credential = (JSON.parse(exchange.last) as { credential: Json }).credential;
  const plainSign = await plain.channel.request<{ cpuMs: number; wallMs: number }>('sign', { credential, count: ISSUES, warmUp: WARM_UP });

  printTable(
    ['issuing', 'credentials', 'CPU / credential', 'wall / credential'],
    [
      ['exchange: POST .../credentials over HTTP (this process)', String(ISSUES), ms(exchange.cpuMs), ms(exchange.wallMs)],
      ['plain @digitalbazaar/vc issue, stock jsonld (its process)', String(ISSUES), ms(plainSign.cpuMs), ms(plainSign.wallMs)],
    ],
  );
  console.log(`(credential of ${JSON.stringify(credential).length} bytes, issued with "notify": false; DynamoDB Local's CPU and the HTTP client's are not counted)\n`);
  reportGoals([
    {
      section: SECTION,
      figure: 'issuing over HTTP: exchange CPU / plain pipeline CPU',
      measured: exchange.cpuMs / plainSign.cpuMs,
      kind: 'at-most',
      target: 0.5,
      format: times,
      note: `${ms(exchange.cpuMs)} vs ${ms(plainSign.cpuMs)} per credential, ${ISSUES} each after ${WARM_UP} to warm up`,
    },
  ]);
  return credential;
}

// ---- 2. verifying over HTTP -----------------------------------------------------------

/** The DID document and status lists a verifier of `credential` loads, fetched once. */
async function documentsOf(setup: Setup, credential: Json): Promise<Record<string, string>> {
  const did = String(credential.issuer.id ?? credential.issuer);
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  const didUrl = `http://${decodeURIComponent(host!)}/${path.join('/')}/did.json`;
  const urls: Array<[string, string]> = [[did, didUrl], ...[credential.credentialStatus].flat().map((entry: Json): [string, string] => [entry.statusListCredential, entry.statusListCredential])];
  const documents: Record<string, string> = {};
  for (const [key, url] of urls) {
    const response = await fetch(reachable(url, setup));
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    documents[key] = await response.text();
  }
  return documents;
}

interface VerifyAnswer {
  verified: boolean;
  checks: Array<{ check: string; ok: boolean; detail?: string }>;
}

async function verify(setup: Setup, credential: Json): Promise<VerifyAnswer> {
  const response = await post(`${setup.base}/v1/credentials/verify`, undefined, { verifiableCredential: credential });
  if (response.status !== 200) throw new Error(`verify answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as VerifyAnswer;
}

/** Whether a status change is seen by the very next verification after its call answered. */
async function statusChangeSeen(setup: Setup, status: 'revoked' | 'suspended', check: string): Promise<boolean> {
  const issued = await post(`${setup.base}/v1/institutions/${setup.institution}/credentials`, setup.key, { ...issueRequest(900_000 + (status === 'revoked' ? 1 : 2)), notify: false });
  const { id, credential } = (await issued.json()) as { id: string; credential: Json };
  const before = await verify(setup, credential);
  if (!before.verified) throw new Error(`a fresh credential did not verify: ${JSON.stringify(before.checks)}`);
  const changed = await post(`${setup.base}/v1/institutions/${setup.institution}/credentials/${id}/status`, setup.key, { status, reason: 'benchmark' });
  if (!changed.ok) throw new Error(`setting ${status} answered ${changed.status}: ${await changed.text()}`);
  const after = await verify(setup, credential);
  return !after.verified && after.checks.some((c) => c.check === check && !c.ok);
}

async function verifyingOverHttp(setup: Setup, plain: BenchChild, credential: Json): Promise<void> {
  const url = `${setup.base}/v1/credentials/verify`;
  const headers = { 'content-type': 'application/json' };
  const body = JSON.stringify({ verifiableCredential: credential });
  const answer = await verify(setup, credential);
  if (!answer.verified) throw new Error(`the credential did not verify: ${JSON.stringify(answer.checks)}`);
  await exchangeCpuPerRequest(plain, url, headers, Array(WARM_UP).fill(body));
  const exchange = await exchangeCpuPerRequest(plain, url, headers, Array(VERIFICATIONS).fill(body));
  const documents = await documentsOf(setup, credential);
  const plainVerify = await plain.channel.request<{ cpuMs: number; wallMs: number; statuses: Array<{ purpose: string }> }>('verify', { credential, documents, count: VERIFICATIONS, warmUp: WARM_UP });

  printTable(
    ['verifying', 'verifications', 'CPU / verification', 'wall / verification'],
    [
      [`exchange: POST /v1/credentials/verify over HTTP (${answer.checks.map((c) => c.check).join(', ')})`, String(VERIFICATIONS), ms(exchange.cpuMs), ms(exchange.wallMs)],
      [`plain verifyCredential + checkStatus, stock jsonld (proof; status lists: ${plainVerify.statuses.map((s) => s.purpose).join(', ')})`, String(VERIFICATIONS), ms(plainVerify.cpuMs), ms(plainVerify.wallMs)],
    ],
  );
  console.log(
    `(the plain verifier reads the DID document and the ${plainVerify.statuses.length} status list(s) from bytes fetched once beforehand, parsed at every load; a statusSize-2 "message" list carries revocation and suspension both)\n`,
  );
  const revoked = await statusChangeSeen(setup, 'revoked', 'revocation');
  const suspended = await statusChangeSeen(setup, 'suspended', 'suspension');
  reportGoals([
    {
      section: SECTION,
      figure: 'verifying over HTTP: exchange CPU / plain verifier CPU',
      measured: exchange.cpuMs / plainVerify.cpuMs,
      kind: 'at-most',
      target: 0.5,
      format: times,
      note: `${ms(exchange.cpuMs)} vs ${ms(plainVerify.cpuMs)} per verification, ${VERIFICATIONS} each after ${WARM_UP} to warm up`,
    },
    { section: SECTION, figure: 'a revocation is seen by the very next verification', measured: revoked ? 1 : 0, kind: 'equals', target: 1, format: yesNo },
    { section: SECTION, figure: 'a suspension is seen by the very next verification', measured: suspended ? 1 : 0, kind: 'equals', target: 1, format: yesNo },
  ]);
}

// ---- graduation runs through worker processes --------------------------------------------

/**
 * Duplicates and losses of a run: the credentials issued to each item's recipient, found by
 * student id through the recipient index (16 lookups at a time).
 */
async function countIssuedPerItem(
  items: Array<{ recipient: { studentId: string } }>,
  credentialsOf: (lookup: { kind: 'sid'; studentId: string }) => Promise<unknown[]>,
): Promise<{ duplicates: number; lost: number }> {
  const perItem: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < items.length; i = next++) perItem[i] = (await credentialsOf({ kind: 'sid', studentId: items[i]!.recipient.studentId })).length;
    }),
  );
  return { duplicates: perItem.reduce((sum, n) => sum + Math.max(0, n - 1), 0), lost: perItem.filter((n) => n === 0).length };
}

interface GraduationRun {
  seconds: number;
  submitSeconds: number;
  stats: WorkerStats[];
  submitCounts: RequestCounts;
  queue: ChunkQueue;
  duplicates: number;
  lost: number;
  issued: number;
}

/**
 * A run of BATCH items started through this process's exchange (as the credentials function
 * starts it) and processed by `workers` worker processes; then every item checked.
 */
async function graduationRun(setup: Setup, firstStudent: number, workers: Array<Partial<WorkerConfig>>, account?: KmsAccount, size = BATCH): Promise<GraduationRun> {
  const { exchange } = setup;
  const endpoint = await exchange.deps.store.table.doc.config.endpoint!();
  const base: WorkerConfig = {
    endpoint: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}${endpoint.path}`,
    tableName: TABLE,
    dataDir: setup.dataDir,
    publicUrl: exchange.deps.publicUrl,
    consortium: exchange.deps.consortium,
  };
  const items = Array.from({ length: size }, (_, i) => issueRequest(firstStudent + i));
  let counting = false;
  // the document client shares its client's middleware stack
  const submitCounts = countRequests(exchange.deps.store.table.doc as unknown as Parameters<typeof countRequests>[0], () => counting);
  let started = 0;
  let submitSeconds = 0;
  let batchId = '';
  const { stats, queue } = await runWorkers(
    setup.workerBundle,
    workers.map((worker) => ({ ...base, ...worker })),
    async (queue) => {
      const services = credentialServices({ ...exchange.deps, batchQueue: queue });
      started = performance.now();
      counting = true;
      const batch = await services.batches.submit(setup.institution, items, { kind: 'institution', id: setup.institution, keyId: 'bench' });
      counting = false;
      submitSeconds = (performance.now() - started) / 1000;
      batchId = batch.id;
      return { chunks: batch.chunks };
    },
    account,
  );
  const seconds = (performance.now() - started) / 1000;
  const services = credentialServices(exchange.deps);
  const view = (await services.batches.view(setup.institution, batchId))!;
  const { duplicates, lost } = await countIssuedPerItem(items, (lookup) => exchange.deps.store.credentials.allForRecipient(setup.institution, lookup));
  if (view.status !== 'done' || view.issued !== size) throw new Error(`the run ended ${view.status} with ${view.issued} of ${size} issued`);
  return { seconds, submitSeconds, stats, submitCounts, queue, duplicates, lost, issued: view.issued };
}

function requestTable(run: GraduationRun): ReturnType<typeof readsAndWrites> {
  const start = readsAndWrites(run.submitCounts);
  const chunks = readsAndWrites(...run.stats.map((s) => ({ requests: s.requests, items: s.items })));
  const all = readsAndWrites(run.submitCounts, ...run.stats.map((s) => ({ requests: s.requests, items: s.items })));
  const operations = Object.keys(all.byOperation.requests).sort();
  printTable(
    ['DynamoDB requests (items)', 'starting the run', 'processing chunks', 'per credential'],
    operations.map((operation) => [
      operation,
      `${start.byOperation.requests[operation] ?? 0} (${start.byOperation.items[operation] ?? 0})`,
      `${chunks.byOperation.requests[operation] ?? 0} (${chunks.byOperation.items[operation] ?? 0})`,
      `${fmt((all.byOperation.requests[operation] ?? 0) / BATCH, 3)} (${fmt((all.byOperation.items[operation] ?? 0) / BATCH, 3)})`,
    ]),
  );
  return all;
}

// ---- 3. one worker thread --------------------------------------------------------------

async function oneWorker(setup: Setup): Promise<number> {
  const run = await graduationRun(setup, 100_000, [{}]);
  const [worker] = run.stats as [WorkerStats];
  const rate = BATCH / (worker.busyMs / 1000);
  printTable(
    ['graduation run, one worker thread (local signer)', 'value'],
    [
      ['items', `${BATCH} in ${run.queue.acknowledged} chunks (${run.queue.failedDeliveries} deliveries failed and were delivered again)`],
      ['starting the run (this process: validate, store the chunks, queue them)', `${fmt(run.submitSeconds)} s`],
      ['the worker, first chunk to last', `${fmt(worker.busyMs / 1000)} s = ${perSecond(rate)}`],
      ['start to end', `${fmt(run.seconds)} s`],
      ["the worker's CPU", `${ms(worker.cpuMs / BATCH)} per credential (${fmt(worker.cpuMs / worker.busyMs * 100, 0)} % of one core)`],
      ['notices handed to the notice queue', String(worker.notices)],
      ["the worker's peak RSS (sampled every 50 ms; the kernel's maxRSS)", `${bytes(worker.peakRss)} (${bytes(worker.maxRss)})`],
    ],
  );
  console.log('');
  const all = requestTable(run);
  console.log(`\nreads ${all.reads} requests (${all.readItems} items), writes ${all.writes} requests (${all.writeItems} items) for ${BATCH} credentials\n`);
  reportGoals([
    { section: SECTION, figure: 'graduation run: credentials/s on one worker thread', measured: rate, kind: 'at-least', target: 150, format: perSecond, note: `the committed worker rate (sign-budget.ts) is ${MEASURED_WORKER_RATE.credentialsPerSecond}/s` },
    { section: SECTION, figure: 'graduation run: DynamoDB write requests per credential', measured: all.writes / BATCH, kind: 'at-most', target: 2, format: (n) => n.toFixed(3) },
    { section: SECTION, figure: 'graduation run: DynamoDB read requests per credential', measured: all.reads / BATCH, kind: 'at-most', target: 1, format: (n) => n.toFixed(3) },
    { section: SECTION, figure: `graduation worker: peak RSS through a ${BATCH}-item run`, measured: Math.max(worker.peakRss, worker.maxRss) / 1024 / 1024, kind: 'at-most', target: 256, format: (n) => `${n.toFixed(0)} MiB` },
    { section: SECTION, figure: 'graduation run (one worker): duplicate + lost credentials', measured: run.duplicates + run.lost, kind: 'equals', target: 0, format: count },
  ]);
  return rate;
}

// ---- 4. workers at a KMS Sign budget ---------------------------------------------------

/**
 * The Sign quota the simulated account is given: CX_BENCH_SIGN_BUDGET, or what this machine
 * can carry: 200/s, or less where the workers could not reach it here. Every worker writes to the
 * one DynamoDB Local engine, which carries about one worker's rate in all (two workers together
 * measured no faster than one, each at a quarter of a core), so this machine carries about that.
 */
function benchBudget(measuredRate: number): { budget: number; why: string } {
  if (process.env.CX_BENCH_SIGN_BUDGET) return { budget: SIGN_BUDGET, why: 'CX_BENCH_SIGN_BUDGET' };
  const carried = Math.floor(MACHINE_WORKER_CAPACITY * measuredRate);
  return carried >= DEFAULT_SIGN_BUDGET
    ? { budget: DEFAULT_SIGN_BUDGET, why: 'the default' }
    : { budget: Math.max(10, carried), why: `${MACHINE_WORKER_CAPACITY} of one worker's rate, what this machine's one DynamoDB Local engine carries; below the default ${DEFAULT_SIGN_BUDGET}/s` };
}

/**
 * What one worker sustains against KMS's latency (the simulated account, no quota to speak of,
 * no rate limit): the rate to plan workers with. Signing takes 20 ms there and items wait for it,
 * so it is below the local signer's rate above.
 */
async function workerRateAgainstKms(setup: Setup): Promise<number> {
  const size = Math.min(BATCH, CALIBRATION_BATCH);
  const run = await graduationRun(setup, 500_000, [{ kms: true }], new KmsAccount(Number.POSITIVE_INFINITY, KMS_LATENCY_MS), size);
  const [worker] = run.stats as [WorkerStats];
  const rate = size / (worker.busyMs / 1000);
  console.log(`one worker against the simulated KMS (${KMS_LATENCY_MS} ms per Sign, no quota, no rate limit): ${size} items in ${fmt(worker.busyMs / 1000)} s = ${perSecond(rate)} (${fmt((worker.cpuMs / worker.busyMs) * 100, 0)} % of one core)`);
  return rate;
}

async function workersAtBudget(setup: Setup): Promise<void> {
  const measuredRate = await workerRateAgainstKms(setup);
  const { budget, why } = benchBudget(measuredRate);
  const plan = planWorkers(budget, measuredRate);
  const stack = graduationWorkerPlan();
  if (plan.maxConcurrency > MAX_WORKER_PROCESSES) throw new Error(`${plan.maxConcurrency} worker processes for ${budget} Sign/s: more than the ${MAX_WORKER_PROCESSES} this machine runs; lower CX_BENCH_SIGN_BUDGET`);
  console.log(
    `budget ${budget} Sign/s (${why}); plan at the ${perSecond(measuredRate)} one worker did against KMS: ${plan.maxConcurrency} workers x ${plan.signRate} Sign/s = ${plan.total} Sign/s\n` +
      `(the stack: ${stack.maxConcurrency} workers x ${stack.signRate} Sign/s = ${stack.total} of its default 900/s budget, from the committed ${MEASURED_WORKER_RATE.credentialsPerSecond}/s per ${MEASURED_WORKER_RATE.memoryMb} MB worker)\n` +
      `simulated: a KMS account with a quota of ${budget} Sign/s in any second (ThrottlingException past it), ${KMS_LATENCY_MS} ms per Sign; each worker a process with its own RateLimitedKeyVault at ${plan.signRate}/s\n`,
  );
  const account = new KmsAccount(budget, KMS_LATENCY_MS);
  const run = await graduationRun(setup, 300_000, Array.from({ length: plan.maxConcurrency }, () => ({ kms: true, signRate: plan.signRate })), account);
  const rate = account.rate();
  printTable(
    ['graduation run at the Sign budget', 'value'],
    [
      ['items', `${BATCH} in ${run.queue.acknowledged} chunks over ${plan.maxConcurrency} workers (${Math.min(...run.stats.map((s) => s.chunks))} to ${Math.max(...run.stats.map((s) => s.chunks))} chunks each)`],
      ['start to end', `${fmt(run.seconds)} s = ${perSecond(BATCH / run.seconds)} credentials`],
      ['Sign calls accepted', `${account.accepted.length} (${BATCH} credentials, the rest status lists)`],
      ['signing rate, first accepted Sign to last', `${perSecond(rate)} = ${fmt((100 * rate) / budget)} % of the ${budget}/s quota`],
      ['most Sign calls in any one second: asked for (throttled ones too), accepted', `${account.peakRequestedPerSecond()}, ${account.peakAcceptedPerSecond()}`],
      ['throttled answers (each retried by the worker)', String(account.throttled)],
      ['chunk deliveries that failed and were delivered again', String(run.queue.failedDeliveries)],
      ["each worker's CPU, first chunk to last", run.stats.map((s) => (s.busyMs > 0 ? `${fmt((s.cpuMs / s.busyMs) * 100, 0)} %` : 'idle')).join(', ') + ' of one core'],
      ["each worker's peak RSS", run.stats.map((s) => bytes(Math.max(s.peakRss, s.maxRss))).join(', ')],
    ],
  );
  console.log('');
  reportGoals([
    { section: SECTION, figure: `graduation run at a ${budget}/s Sign budget (${plan.maxConcurrency} workers): share of the budget used`, measured: rate / budget, kind: 'at-least', target: 0.9, format: (n) => `${(n * 100).toFixed(1)} %` },
    {
      section: SECTION,
      figure: 'graduation run at the budget: most Sign calls asked for in one second / budget',
      measured: account.peakRequestedPerSecond() / budget,
      kind: 'at-most',
      target: 1,
      format: (n) => `${(n * 100).toFixed(1)} %`,
      note: `throttled calls included; ${account.throttled} were throttled`,
    },
    { section: SECTION, figure: 'graduation run at the budget: duplicate + lost credentials', measured: run.duplicates + run.lost, kind: 'equals', target: 0, format: count },
  ]);
}

// ---- 5. graduation run under injected faults -------------------------------------------

/**
 * A second exchange with faults over the first one's engine, table and keys: the institution
 * is set up through the first (onboarding is not idempotent, so not retried under faults).
 */
async function graduationRunUnderFaults(clean: LocalExchange, dataDir: string): Promise<void> {
  const setup = await setUp(clean, dataDir, 'uni-faults');
  const endpoint = await clean.deps.store.table.doc.config.endpoint!();
  const exchange = await startLocalExchange({
    port: 0,
    dataDir,
    dynamoEndpoint: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}${endpoint.path}`,
    tableName: TABLE,
    faults: { rates: { dynamodb: FAULT_RATE, kms: FAULT_RATE }, seed: 11 },
  });
  const quiet = console.error;
  console.error = () => undefined;
  try {
    let services: CredentialServices | undefined;
    let deliveries = 0;
    let failedDeliveries = 0;
    const queue = new InProcessQueue<BatchChunkMessage>(
      async (message) => {
        deliveries++;
        await services!.batches.processChunk(message).catch((error: unknown) => {
          failedDeliveries++;
          throw error;
        });
      },
      { retryDelayMs: 200, onGiveUp: (message, error, attempts) => services!.batches.failChunk(message, `given up after ${attempts}: ${String(error)}`) },
    );
    services = credentialServices({ ...exchange.deps, batchQueue: queue });

    const items = Array.from({ length: FAULTY_BATCH }, (_, i) => issueRequest(200_000 + i));
    const callsBefore = { ...exchange.faultStats!.calls };
    const faultsBefore = exchange.faultStats!.total();
    const start = performance.now();
    const batch = await retry(() => services!.batches.submit(setup.institution, items, { kind: 'institution', id: setup.institution, keyId: 'bench' }, { idempotencyKey: 'bench-faults' }), {
      retryable: () => true,
      attempts: 10,
      baseDelayMs: 100,
    });
    await queue.idle();
    const seconds = (performance.now() - start) / 1000;
    const view = (await retry(() => services!.batches.view(setup.institution, batch.id), { retryable: () => true, attempts: 10 }))!;

    const { duplicates, lost } = await countIssuedPerItem(items, (lookup) =>
      retry(() => exchange.deps.store.credentials.allForRecipient(setup.institution, lookup), { retryable: () => true, attempts: 10 }),
    );
    const stats = exchange.faultStats!;
    printTable(
      ['graduation run under faults', 'value'],
      [
        ['items', String(FAULTY_BATCH)],
        ['faults', `dynamodb=${FAULT_RATE},kms=${FAULT_RATE} of SDK attempts`],
        ['status', `${view.status} (${view.issued} issued, ${view.failed} failed)`],
        ['wall time', `${fmt(seconds)} s (${fmt(FAULTY_BATCH / seconds)} credentials/s)`],
        ['calls during the run', `dynamodb ${stats.calls.dynamodb - callsBefore.dynamodb}, kms ${stats.calls.kms - callsBefore.kms}`],
        ['faults injected during the run (each one retried)', String(stats.total() - faultsBefore)],
        ...FAULT_SERVICES.map((service) => [`  ${service}, since start, by kind`, Object.entries(stats.injected[service]).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none']),
        ['chunk deliveries', `${deliveries} (${failedDeliveries} failed and were delivered again)`],
      ],
    );
    console.log('');
    reportGoals([
      { section: SECTION, figure: 'graduation run under faults: duplicate credentials', measured: duplicates, kind: 'equals', target: 0, format: count },
      { section: SECTION, figure: 'graduation run under faults: lost credentials', measured: lost, kind: 'equals', target: 0, format: count },
    ]);
    if (view.issued !== FAULTY_BATCH) throw new Error(`the run under faults issued ${view.issued} of ${FAULTY_BATCH}`);
  } finally {
    console.error = quiet;
    await exchange.stop();
  }
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-credentials-'));
  // bundled as the Lambda functions are (infra's esbuild build), so a worker's memory and CPU are
  // those of the deployed code, not tsx's; first, so that no keep-alive connection idles meanwhile
  const workerBundle = bundleEntry('test/bench/graduation-worker.ts', join(dataDir, 'worker-bundle')).file;
  const exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true, tableName: TABLE });
  try {
    const setup = await setUp(exchange, dataDir, 'uni-bench');
    const plain = await startPlainPipeline();
    let credential: Json;
    try {
      console.log(`-- issuing over HTTP (${ISSUES} each, after ${WARM_UP} to warm up)\n`);
      credential = await issuingOverHttp(setup, plain);

      console.log(`\n-- verifying over HTTP (${VERIFICATIONS} each, after ${WARM_UP} to warm up)\n`);
      await verifyingOverHttp(setup, plain, credential);
    } finally {
      await plain.channel.request('exit').catch(() => undefined);
      await plain.exited;
    }

    console.log(`\n-- graduation run of ${BATCH} items on one worker thread (a child process running the Lambda worker's chunk handler, bundled; local signer)\n`);
    if (BATCH !== 10_000) console.log(`(${BATCH} items, not the 10,000 of the issue: CX_BENCH_BATCH)\n`);
    await oneWorker(await setUp(exchange, dataDir, 'uni-batch', workerBundle));

    console.log(`\n-- graduation run of ${BATCH} items at a KMS Sign budget, workers derived from one worker's rate against the simulated KMS\n`);
    await workersAtBudget(await setUp(exchange, dataDir, 'uni-budget', workerBundle));

    console.log(`\n-- graduation run of ${FAULTY_BATCH} items under injected faults (dynamodb=${FAULT_RATE},kms=${FAULT_RATE}), in-process queue\n`);
    await graduationRunUnderFaults(exchange, dataDir);
  } finally {
    await exchange.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
