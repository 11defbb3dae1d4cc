/**
 * Credentials benchmark, on a local exchange (DynamoDB Local in memory, local key vault):
 *
 * 1. CPU time per credential issued through the core issuer (catalogue read, random status
 *    index, eddsa-rdfc-2022 proof through the key vault, one transaction), beside the same
 *    credential signed by a plain @digitalbazaar/vc pipeline with an Ed25519Multikey signer,
 *    in the same process: the ratio is the exchange's overhead over signing alone.
 *    `process.cpuUsage()` counts this process only (DynamoDB Local is another process).
 * 2. Verifications per second through POST /v1/credentials/verify over HTTP.
 * 3. A graduation run through BatchRunner and the in-process queue against a simulated KMS
 *    (20 ms per Sign, an account limit of 1,000 Sign/s answering ThrottlingException past
 *    it) behind RateLimitedKeyVault at its default 500/s: the signing rate achieved as a share
 *    of the limit, throttled calls, and duplicate or lost credentials (must be 0). Every
 *    credential is canonicalised and signed for real on this one Node thread, so CPU, not the
 *    KMS limit, sets the pace: 10,000 items take about three minutes on two cores
 *    (CX_BENCH_BATCH=2000 makes a quicker run). The same simulated KMS is also driven with Sign calls alone
 *    (10,000 of them, no canonicalisation) by one and by four rate-limited workers, to show
 *    the limiter and the back-off against the account limit when CPU is not the bottleneck.
 * 4. A graduation run under injected faults (CX_FAULTS' dynamodb=0.1,kms=0.1: a tenth of
 *    DynamoDB and KMS calls fail as AWS fails them) on an exchange of its own: the rate, the
 *    faults injected, chunk deliveries that failed and were retried, and duplicate or lost
 *    credentials (must be 0). 1,000 items by default (CX_BENCH_FAULTY_BATCH), about a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialServices, InProcessQueue, type BatchChunkMessage, type CredentialServices } from '@cx/core';
import { STATIC_CONTEXTS } from '@cx/credentials';
import { retry, type KeyVault, type Principal } from '@cx/domain';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { FAULT_SERVICES } from '@cx/runtime/faults';
import { RateLimitedKeyVault } from '@cx/signing';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue as vcIssue } from '@digitalbazaar/vc';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { ms, percentile, printTable } from './report.js';

export const name = 'credentials';
export const description = 'CPU per issued credential vs plain @digitalbazaar/vc, verifications/s, a graduation run against a simulated KMS, and one under 10% injected faults';

const ISSUES = Number(process.env.CX_BENCH_ISSUES ?? 200);
const VERIFICATIONS = Number(process.env.CX_BENCH_VERIFICATIONS ?? 400);
const VERIFY_CONCURRENCY = 8;
const BATCH = Number(process.env.CX_BENCH_BATCH ?? 10_000);
const FAULTY_BATCH = Number(process.env.CX_BENCH_FAULTY_BATCH ?? 1_000);
const FAULT_RATE = 0.1;
const SIGN_ONLY = 10_000;
const WARM_UP = 20;

const KMS_LATENCY_MS = 20;
const KMS_ACCOUNT_LIMIT = 1_000;
const SIGN_RATE = 500;

type Json = Record<string, any>;

const fmt = (n: number, digits = 1) => n.toFixed(digits);

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

/**
 * KMS as the exchange meets it: each Sign takes 20 ms, and the account answers
 * ThrottlingException once 1,000 Sign calls were accepted in the last second. Signatures are
 * real (the local key vault's), so credentials verify.
 */
class SimulatedKms implements KeyVault {
  readonly accepted: number[] = [];
  throttled = 0;
  private readonly window: number[] = [];

  constructor(private readonly inner: KeyVault) {}

  createKey: KeyVault['createKey'] = (labels) => this.inner.createKey(labels);
  publicKey: KeyVault['publicKey'] = (ref) => this.inner.publicKey(ref);
  discardKey: KeyVault['discardKey'] = (ref) => this.inner.discardKey(ref);

  async sign(keyRef: string, data: Uint8Array): Promise<Uint8Array> {
    const now = performance.now();
    while (this.window.length > 0 && this.window[0]! <= now - 1000) this.window.shift();
    if (this.window.length >= KMS_ACCOUNT_LIMIT) {
      this.throttled++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    this.window.push(now);
    this.accepted.push(now);
    const [signature] = await Promise.all([this.inner.sign(keyRef, data), new Promise((resolve) => setTimeout(resolve, KMS_LATENCY_MS))]);
    return signature;
  }

  /** Accepted Sign calls per second between the first and the last one. */
  rate(): number {
    if (this.accepted.length < 2) return 0;
    return (this.accepted.length - 1) / ((this.accepted.at(-1)! - this.accepted[0]!) / 1000);
  }
}

interface Setup {
  exchange: LocalExchange;
  base: string;
  key: string;
  institution: string;
  principal: Principal;
}

async function setUp(exchange: LocalExchange, institution: string): Promise<Setup> {
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
  return { exchange, base, key, institution, principal: { kind: 'institution', institutionId: institution, keyId: 'bench' } };
}

const issueRequest = (i: number) => ({
  achievement: { type: 'component' as const, code: 'ML-1' },
  recipient: { name: `Student ${i}`, email: `student-${i}@example.org`, studentId: `S-${i}` },
  result: { grade: 'B', ectsEarned: 5 },
});

// ---- 1. CPU per credential ------------------------------------------------------------

async function cpuPerCredential(setup: Setup): Promise<Json> {
  const services = credentialServices(setup.exchange.deps);
  const issueOne = (i: number) => services.issuer.issue(setup.institution, issueRequest(i), { principal: setup.principal });
  for (let i = 0; i < WARM_UP; i++) await issueOne(-1 - i);

  let cpu = cpuMs();
  let wall = performance.now();
  let sample: Json | undefined;
  for (let i = 0; i < ISSUES; i++) sample = (await issueOne(i)).credential;
  const exchangeCpu = (cpuMs() - cpu) / ISSUES;
  const exchangeWall = (performance.now() - wall) / ISSUES;

  // the same credential, without its proof, signed by a plain @digitalbazaar/vc pipeline
  const { proof: _proof, ...unsigned } = sample!;
  // the EU context is inline in the credential: the bundled standard contexts are all it needs
  const contexts = new Map<string, object>(STATIC_CONTEXTS);
  const documentLoader = async (url: string) => {
    const document = contexts.get(url);
    if (!document) throw new Error(`not bundled: ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
  const keyPair = await Ed25519Multikey.generate({ controller: unsigned.issuer.id, id: `${unsigned.issuer.id}#key-1` });
  // generate() was given the id, so the signer has one
  const signer = keyPair.signer() as ReturnType<typeof keyPair.signer> & { id: string };
  const plainOne = () =>
    vcIssue({
      credential: structuredClone(unsigned),
      suite: new DataIntegrityProof({ signer, cryptosuite: eddsaRdfc2022 }),
      documentLoader,
    });
  for (let i = 0; i < WARM_UP; i++) await plainOne();
  cpu = cpuMs();
  wall = performance.now();
  for (let i = 0; i < ISSUES; i++) await plainOne();
  const plainCpu = (cpuMs() - cpu) / ISSUES;
  const plainWall = (performance.now() - wall) / ISSUES;

  printTable(
    ['pipeline', 'credentials', 'CPU / credential', 'wall / credential'],
    [
      ['exchange issuer (local signer, DynamoDB Local)', String(ISSUES), ms(exchangeCpu), ms(exchangeWall)],
      ['plain @digitalbazaar/vc + Ed25519Multikey', String(ISSUES), ms(plainCpu), ms(plainWall)],
    ],
  );
  console.log(`\nCPU ratio exchange / plain: ${fmt(exchangeCpu / plainCpu, 2)}x (credential of ${JSON.stringify(sample).length} bytes)`);
  return { exchangeCpu, plainCpu, credential: sample };
}

// ---- 2. verifications per second --------------------------------------------------------

async function verificationsPerSecond(setup: Setup, credential: Json): Promise<void> {
  const url = `${setup.base}/v1/credentials/verify`;
  const verifyOnce = async () => {
    const start = performance.now();
    const response = await post(url, undefined, { verifiableCredential: credential });
    const body = (await response.json()) as { verified: boolean };
    if (response.status !== 200 || !body.verified) throw new Error(`verify answered ${response.status}: ${JSON.stringify(body)}`);
    return performance.now() - start;
  };
  for (let i = 0; i < WARM_UP; i++) await verifyOnce();

  const rows: string[][] = [];
  for (const concurrency of [1, VERIFY_CONCURRENCY]) {
    const latencies: number[] = [];
    let next = 0;
    const cpu = cpuMs();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < VERIFICATIONS) latencies.push(await verifyOnce());
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    rows.push([
      `${concurrency} at a time`,
      String(VERIFICATIONS),
      fmt(VERIFICATIONS / seconds),
      ms(percentile(latencies, 50)),
      ms(percentile(latencies, 99)),
      ms((cpuMs() - cpu) / VERIFICATIONS),
    ]);
  }
  printTable(['POST /v1/credentials/verify', 'requests', 'verifications/s', 'p50', 'p99', 'CPU / verification'], rows);
}

// ---- 3. graduation run against a simulated KMS ----------------------------------------

async function graduationRun(setup: Setup): Promise<void> {
  const kms = new SimulatedKms(setup.exchange.deps.keyVault);
  const keyVault = new RateLimitedKeyVault(kms, { perSecond: SIGN_RATE });
  let services: CredentialServices | undefined;
  const queue = new InProcessQueue<BatchChunkMessage>((message) => services!.batches.processChunk(message));
  services = credentialServices({ ...setup.exchange.deps, keyVault, batchQueue: queue });

  const items = Array.from({ length: BATCH }, (_, i) => issueRequest(100_000 + i));
  const cpu = cpuMs();
  const start = performance.now();
  const batch = await services.batches.submit(setup.institution, items, { kind: 'institution', id: setup.institution, keyId: 'bench' });
  const progress = setInterval(async () => {
    const view = await services!.batches.view(setup.institution, batch.id);
    if (view) console.log(`  ${fmt((performance.now() - start) / 1000, 0)} s: ${view.status}, ${view.issued} issued, ${view.failed} failed`);
  }, 15_000);
  await queue.idle();
  clearInterval(progress);
  const seconds = (performance.now() - start) / 1000;
  const view = (await services.batches.view(setup.institution, batch.id))!;

  printTable(
    ['graduation run', 'value'],
    [
      ['items', String(BATCH)],
      ['status', `${view.status} (${view.issued} issued, ${view.failed} failed)`],
      ['wall time', `${fmt(seconds)} s (${fmt(BATCH / seconds)} credentials/s)`],
      ['CPU of this process', `${ms((cpuMs() - cpu) / BATCH)} per credential`],
      ['Sign calls accepted', `${kms.accepted.length} (${BATCH} credentials + status lists)`],
      ['signing rate', `${fmt(kms.rate())} Sign/s = ${fmt((100 * kms.rate()) / KMS_ACCOUNT_LIMIT)} % of the ${KMS_ACCOUNT_LIMIT}/s account limit`],
      ['throttled Sign calls', String(kms.throttled)],
    ],
  );

  const { duplicates, lost } = await countIssuedPerItem(items, (lookup) => setup.exchange.deps.store.credentials.allForRecipient(setup.institution, lookup));
  console.log(`\nduplicate credentials: ${duplicates}, lost credentials: ${lost} (of ${items.length} items)`);
  if (duplicates > 0 || lost > 0 || view.issued !== BATCH) throw new Error(`the run issued ${view.issued} of ${BATCH}: ${duplicates} duplicates, ${lost} lost`);
}

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

// ---- 4. graduation run under injected faults ----------------------------------------------

/**
 * A second exchange with faults over the first one's engine, table and keys: the institution
 * is set up through the first (onboarding is not idempotent, so not retried under faults).
 */
async function graduationRunUnderFaults(clean: LocalExchange, dataDir: string): Promise<void> {
  const setup = await setUp(clean, 'uni-faults');
  const endpoint = await clean.deps.store.table.doc.config.endpoint!();
  const exchange = await startLocalExchange({
    port: 0,
    dataDir,
    dynamoEndpoint: `${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}${endpoint.path}`,
    tableName: 'bench-credentials',
    faults: { rates: { dynamodb: FAULT_RATE, kms: FAULT_RATE }, seed: 11 },
  });
  const quiet = console.error;
  console.error = () => undefined;
  try {
    let services: CredentialServices | undefined;
    let deliveries = 0;
    let failedDeliveries = 0;
    const queue = new InProcessQueue<BatchChunkMessage>(async (message) => {
      deliveries++;
      await services!.batches.processChunk(message).catch((error: unknown) => {
        failedDeliveries++;
        throw error;
      });
    }, { retryDelayMs: 200, onGiveUp: (message, error, attempts) => services!.batches.failChunk(message, `given up after ${attempts}: ${String(error)}`) });
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
        ['duplicate credentials', String(duplicates)],
        ['lost credentials', String(lost)],
      ],
    );
    if (duplicates > 0 || lost > 0 || view.issued !== FAULTY_BATCH) throw new Error(`the run under faults issued ${view.issued} of ${FAULTY_BATCH}: ${duplicates} duplicates, ${lost} lost`);
  } finally {
    console.error = quiet;
    await exchange.stop();
  }
}

/**
 * Sign calls alone through `workers` rate-limited vaults (one per worker instance, as each
 * Lambda instance has its own), 32 in flight each. A call that is still throttled after the
 * vault's retries fails: in the product that fails the chunk, which SQS then redelivers.
 */
async function signOnly(inner: KeyVault, keyRef: string, workers: number): Promise<string[]> {
  const kms = new SimulatedKms(inner);
  const vaults = Array.from({ length: workers }, () => new RateLimitedKeyVault(kms, { perSecond: SIGN_RATE }));
  let next = 0;
  let gaveUp = 0;
  const start = performance.now();
  await Promise.all(
    vaults.flatMap((vault) =>
      Array.from({ length: 32 }, async () => {
        while (next++ < SIGN_ONLY) await vault.sign(keyRef, new Uint8Array(64)).catch(() => gaveUp++);
      }),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  return [
    `${workers} x ${SIGN_RATE}/s`,
    String(SIGN_ONLY),
    `${fmt(seconds)} s`,
    `${fmt(kms.rate())} (${fmt((100 * kms.rate()) / KMS_ACCOUNT_LIMIT)} %)`,
    String(kms.throttled),
    String(gaveUp),
  ];
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-credentials-'));
  const exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true, tableName: 'bench-credentials' });
  try {
    const setup = await setUp(exchange, 'uni-bench');

    console.log(`-- CPU per issued credential (${ISSUES} each, after ${WARM_UP} to warm up)\n`);
    const { credential } = await cpuPerCredential(setup);

    console.log(`\n-- verification over HTTP (${VERIFICATIONS} requests per row)\n`);
    await verificationsPerSecond(setup, credential);

    console.log(`\n-- graduation run of ${BATCH} items: BatchRunner, in-process queue, simulated KMS (${KMS_LATENCY_MS} ms/Sign, ${KMS_ACCOUNT_LIMIT} Sign/s limit), RateLimitedKeyVault ${SIGN_RATE}/s\n`);
    if (BATCH !== 10_000) console.log(`(${BATCH} items, not the 10,000 of the issue: CX_BENCH_BATCH)\n`);
    await graduationRun(await setUp(exchange, 'uni-batch'));

    console.log(`\n-- the simulated KMS driven by Sign calls alone (no canonicalisation), ${SIGN_ONLY} calls\n`);
    const institution = (await exchange.deps.store.institutions.get('uni-bench'))!;
    const keyRef = institution.keys.find((k) => k.status === 'active')!.keyRef;
    printTable(
      ['rate-limited workers', 'Sign calls', 'time', 'accepted Sign/s (share of limit)', 'throttled answers', 'failed after retries'],
      [await signOnly(exchange.deps.keyVault, keyRef, 1), await signOnly(exchange.deps.keyVault, keyRef, 4)],
    );

    console.log(`\n-- graduation run of ${FAULTY_BATCH} items under injected faults (dynamodb=${FAULT_RATE},kms=${FAULT_RATE}), in-process queue\n`);
    await graduationRunUnderFaults(exchange, dataDir);
  } finally {
    await exchange.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
