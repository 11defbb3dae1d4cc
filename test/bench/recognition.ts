/**
 * Recognition: how long it takes to decide a transfer of 10 credentials, and the DynamoDB
 * capacity it consumes, on the local exchange (DynamoDB Local in memory, the local key
 * vault) over the loopback interface. Two ways a transfer gets decided:
 *
 * - automatically: uni-b has an agreement covering all 10 of uni-a's components, so the
 *   submission verifies each credential in full, decides it, and signs the recognition
 *   record in one request;
 * - by a reviewer: uni-c has no agreement, so the submission leaves 10 items pending and a
 *   reviewer decides them one request at a time (8 recognised, 2 refused); the last
 *   decision signs the record.
 *
 * Submissions use the receiving institution's key (keyless ones are rate-limited per
 * address). Requests run one after another: these are latencies, not throughput.
 *
 * Capacity is what DynamoDB (Local) reports: a middleware on the store's DynamoDB client
 * sets `ReturnConsumedCapacity: 'TOTAL'` on every read and write command and adds up the
 * `ConsumedCapacity` of the answers while one transfer is processed (API key lookups
 * included). Reads are GetItem, BatchGetItem and Query; writes are TransactWriteItems,
 * PutItem and UpdateItem.
 *
 * Run alone with `npx tsx test/bench/recognition.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { ms, percentile, printTable } from './report.js';

export const name = 'recognition';
export const description = 'time and DynamoDB capacity to decide a 10-credential transfer, by agreement and by a reviewer';

const CREDENTIALS_PER_TRANSFER = 10;
/** Transfers measured per way of deciding (each needs 10 fresh credentials). */
const TRANSFERS = 40;
/** Transfers before measuring: connection set-up, JIT, the engine's first queries. */
const WARM_UP = 3;
/** Credentials issued at once while preparing. */
const ISSUE_CONCURRENCY = 4;

type Json = Record<string, any>;

// ---- capacity accounting -------------------------------------------------------------

interface Capacity {
  read: number;
  write: number;
  readCommands: number;
  writeCommands: number;
}

const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand']);
const WRITES = new Set(['TransactWriteItemsCommand', 'PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);
const none = (): Capacity => ({ read: 0, write: 0, readCommands: 0, writeCommands: 0 });

/** What a command touched: `GetItem STATUSLIST`, `Query gsi1`, ... (the key prefix names the entity). */
function target(command: string, input: { Key?: { pk?: unknown }; IndexName?: string }): string {
  const verb = command.replace(/Command$/, '');
  if (verb === 'Query') return `Query ${input.IndexName ?? 'table'}`;
  const pk = input.Key?.pk;
  const value = typeof pk === 'string' ? pk : ((pk as { S?: string } | undefined)?.S ?? '');
  return value ? `${verb} ${value.split('#')[0]}` : verb;
}

/**
 * Asks DynamoDB for the capacity of every command the store sends and adds it to the
 * current totals; `byTarget` keeps read units per entity read while `tracing` is on.
 */
function meterCapacity(exchange: LocalExchange): { reset(): Capacity; byTarget: Map<string, { units: number; commands: number }>; tracing: boolean } {
  let current = none();
  const byTarget = new Map<string, { units: number; commands: number }>();
  const meter = { reset, byTarget, tracing: false };
  exchange.deps.store.table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const metered = READS.has(command) || WRITES.has(command);
      if (metered) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (metered) {
        const consumed = [(result.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity ?? []].flat();
        const units = consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        if (READS.has(command)) {
          current.read += units;
          current.readCommands++;
          if (meter.tracing) {
            const entry = byTarget.get(target(command, args.input as never)) ?? { units: 0, commands: 0 };
            byTarget.set(target(command, args.input as never), { units: entry.units + units, commands: entry.commands + 1 });
          }
        } else {
          current.write += units;
          current.writeCommands++;
        }
      }
      return result;
    },
    { step: 'initialize', name: 'benchRecognitionCapacity' },
  );
  function reset(): Capacity {
    const was = current;
    current = none();
    return was;
  }
  return meter;
}

// ---- HTTP ------------------------------------------------------------------------------

function client(base: string) {
  return async (method: string, path: string, key: string, body?: unknown, expected = 200): Promise<Json> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path} answered ${response.status} (expected ${expected}): ${text}`);
    return text ? (JSON.parse(text) as Json) : {};
  };
}

/** Runs `task(i)` for i in 0..count-1, `concurrency` at a time. */
async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await task(i);
    }),
  );
  return out;
}

interface Row {
  label: string;
  samples: number[];
}

const row = ({ label, samples }: Row) => [label, String(samples.length), ms(percentile(samples, 50)), ms(percentile(samples, 99)), ms(Math.max(...samples))];
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const fmt = (value: number) => value.toFixed(1);

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-recognition-'));
  const exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true, tableName: 'bench-recognition' });
  try {
    const base = `http://127.0.0.1:${exchange.port}`;
    const call = client(base);
    const adminKey = exchange.generatedAdminKey;
    if (!adminKey) throw new Error('the local exchange made no admin key');
    const meter = meterCapacity(exchange);

    // -- three members: uni-a issues, uni-b recognises by agreement, uni-c by review
    const key: Record<string, string> = {};
    for (const id of ['uni-a', 'uni-b', 'uni-c']) {
      key[id] = (await call('POST', '/v1/institutions', adminKey, { id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu` }, 201)).apiKey;
    }
    const codes = Array.from({ length: CREDENTIALS_PER_TRANSFER }, (_, i) => `C-${i}`);
    for (const code of codes) await call('PUT', `/v1/institutions/uni-a/components/${code}`, key['uni-a']!, componentBody({ title: `Component ${code}`, ects: 5 }), 201);
    await call(
      'PUT',
      '/v1/institutions/uni-b/agreements/uni-a',
      key['uni-b']!,
      { partner: 'uni-a', validFrom: '2026-01-01', rules: codes.map((code) => ({ partnerComponent: code, reviewedVersion: 1, recognisedAs: { ects: 5 } })) },
      201,
    );

    // -- one student per transfer, 10 credentials each; the same credentials go to uni-b and to uni-c
    const students = WARM_UP + TRANSFERS;
    const prepared = performance.now();
    const credentials = await pool(students * CREDENTIALS_PER_TRANSFER, ISSUE_CONCURRENCY, async (i) => {
      const student = Math.floor(i / CREDENTIALS_PER_TRANSFER);
      const body = { achievement: { type: 'component', code: codes[i % CREDENTIALS_PER_TRANSFER] }, recipient: { name: `Student ${student}`, email: `student-${student}@example.org` }, result: { grade: '15' } };
      return (await call('POST', '/v1/institutions/uni-a/credentials', key['uni-a']!, body, 201)).credential as Json;
    });
    console.log(`recognition: issued ${credentials.length} credentials for ${students} students in ${((performance.now() - prepared) / 1000).toFixed(1)} s`);
    const transferOf = (student: number) => ({
      student: { name: `Student ${student}`, email: `student-${student}@example.org` },
      credentials: credentials.slice(student * CREDENTIALS_PER_TRANSFER, (student + 1) * CREDENTIALS_PER_TRANSFER),
    });

    // -- automatic: one request decides all 10
    const automatic: number[] = [];
    const automaticCapacity: Capacity[] = [];
    for (let student = 0; student < students; student++) {
      meter.reset();
      meter.tracing = student >= WARM_UP;
      const started = performance.now();
      const transfer = await call('POST', '/v1/institutions/uni-b/transfers', key['uni-b']!, transferOf(student), 201);
      const elapsed = performance.now() - started;
      const capacity = meter.reset();
      meter.tracing = false;
      if (transfer.status !== 'decided' || transfer.totalEctsRecognised !== 50 || !transfer.recognitionCredential) {
        throw new Error(`transfer ${transfer.id} was not decided by the agreement: ${JSON.stringify(transfer.items.map((i: Json) => i.reason))}`);
      }
      if (student < WARM_UP) continue;
      automatic.push(elapsed);
      automaticCapacity.push(capacity);
    }

    // -- by a reviewer: the submission, then 10 decisions
    const submissions: number[] = [];
    const decisions: number[] = [];
    const wholeReview: number[] = [];
    const reviewCapacity: Capacity[] = [];
    const submissionCapacity: Capacity[] = [];
    for (let student = 0; student < students; student++) {
      meter.reset();
      let started = performance.now();
      const transfer = await call('POST', '/v1/institutions/uni-c/transfers', key['uni-c']!, transferOf(student), 201);
      const submitted = performance.now() - started;
      const submitCapacity = meter.reset();
      if (transfer.status !== 'pending-review') throw new Error(`transfer ${transfer.id} to uni-c is ${transfer.status}`);
      const times: number[] = [];
      let last: Json = transfer;
      for (const [n, item] of (transfer.items as Json[]).entries()) {
        const decision =
          n < 8
            ? { credentialId: item.credentialId, outcome: 'recognised', justification: { explanation: 'Comparable learning outcomes.' } }
            : { credentialId: item.credentialId, outcome: 'rejected', justification: { difference: 'workload', explanation: 'Half the workload.' } };
        started = performance.now();
        last = await call('POST', `/v1/institutions/uni-c/transfers/${transfer.id}/decisions`, key['uni-c']!, decision);
        times.push(performance.now() - started);
      }
      const decideCapacity = meter.reset();
      if (last.status !== 'decided' || !last.recognitionCredential) throw new Error(`transfer ${transfer.id} is still ${last.status}`);
      if (student < WARM_UP) continue;
      submissions.push(submitted);
      decisions.push(...times);
      wholeReview.push(submitted + times.reduce((a, b) => a + b, 0));
      submissionCapacity.push(submitCapacity);
      reviewCapacity.push({
        read: submitCapacity.read + decideCapacity.read,
        write: submitCapacity.write + decideCapacity.write,
        readCommands: submitCapacity.readCommands + decideCapacity.readCommands,
        writeCommands: submitCapacity.writeCommands + decideCapacity.writeCommands,
      });
    }

    console.log(`\nDeciding a transfer of ${CREDENTIALS_PER_TRANSFER} credentials (${TRANSFERS} transfers each, after ${WARM_UP} to warm up; loopback HTTP, one request at a time)`);
    printTable(
      ['measured', 'count', 'p50', 'p99', 'max'],
      [
        { label: 'by agreement: POST transfers (decided at once)', samples: automatic },
        { label: 'by review: POST transfers (10 pending)', samples: submissions },
        { label: 'by review: one POST decisions', samples: decisions },
        { label: 'by review: submission + 10 decisions', samples: wholeReview },
      ].map(row),
    );

    const capacityRow = (label: string, samples: Capacity[]) => [
      label,
      fmt(mean(samples.map((c) => c.read))),
      fmt(mean(samples.map((c) => c.write))),
      fmt(mean(samples.map((c) => c.readCommands))),
      fmt(mean(samples.map((c) => c.writeCommands))),
    ];
    console.log('\nDynamoDB capacity per transfer (mean; RCU and WCU as ConsumedCapacity TOTAL reports them, commands as sent)');
    printTable(
      ['transfer', 'RCU', 'WCU', 'read cmds', 'write cmds'],
      [
        capacityRow('by agreement (1 request)', automaticCapacity),
        capacityRow('by review: the submission alone', submissionCapacity),
        capacityRow('by review: submission + 10 decisions', reviewCapacity),
      ],
    );
    console.log('\nReads of a transfer decided by agreement, by what they read (mean per transfer)');
    printTable(
      ['read', 'RCU', 'commands'],
      [...meter.byTarget.entries()]
        .sort(([, a], [, b]) => b.units - a.units)
        .map(([label, { units, commands }]) => [label, fmt(units / TRANSFERS), fmt(commands / TRANSFERS)]),
    );
    console.log(
      '\nEach credential is verified in full (proof with its issuer key, member lookup, both status lists, duplicate lookup) and the record signed once decided; ' +
        'a decision rewrites the whole transfer item (10 items with their history) in one transaction with the audit record, and a recognition item when recognised.',
    );
  } finally {
    await exchange.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await run();
}
