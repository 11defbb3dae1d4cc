/**
 * Institutions over HTTP: p50/p99 latency of resolving a DID document and of onboarding
 * an institution (record, API key and a new Ed25519 key), against the local exchange
 * (DynamoDB Local in memory, the local key vault) on the loopback interface. Requests
 * are sent one after another: these are latencies, not throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalExchange } from '@cx/local';
import { ms, percentile, printTable } from './report.js';

export const name = 'institutions';
export const description = 'p50/p99 latency of DID resolution and onboarding on the local exchange';

const ONBOARDINGS = 100;
const RESOLUTIONS = 500;
/** Requests before measuring: connection set-up, JIT, the engine's first queries. */
const WARM_UP = 20;

async function timed(request: () => Promise<Response>, expectedStatus: number): Promise<number> {
  const start = performance.now();
  const response = await request();
  const body = await response.text();
  const elapsed = performance.now() - start;
  if (response.status !== expectedStatus) throw new Error(`expected ${expectedStatus}, got ${response.status}: ${body}`);
  return elapsed;
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-exchange-'));
  const exchange = await startLocalExchange({ port: 0, dataDir, inMemory: true });
  try {
    const base = `http://127.0.0.1:${exchange.port}`;
    const adminKey = exchange.generatedAdminKey;
    if (!adminKey) throw new Error('the local exchange made no admin key');

    const onboard = (id: string) => () =>
      fetch(`${base}/v1/institutions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu` }),
      });
    const resolve = (id: string) => () => fetch(`${base}/institutions/${id}/did.json`);

    for (let i = 0; i < WARM_UP; i++) await timed(onboard(`warm-${i}`), 201);
    for (let i = 0; i < WARM_UP; i++) await timed(resolve(`warm-${i % WARM_UP}`), 200);

    const ids = Array.from({ length: ONBOARDINGS }, (_, i) => `bench-${String(i).padStart(4, '0')}`);
    const onboardings: number[] = [];
    for (const id of ids) onboardings.push(await timed(onboard(id), 201));
    const resolutions: number[] = [];
    for (let i = 0; i < RESOLUTIONS; i++) resolutions.push(await timed(resolve(ids[i % ids.length]!), 200));

    printTable(
      ['request', 'count', 'p50', 'p99', 'max'],
      [
        ['GET /institutions/{id}/did.json', resolutions],
        ['POST /v1/institutions', onboardings],
      ].map(([label, samples]) => {
        const values = samples as number[];
        return [label as string, String(values.length), ms(percentile(values, 50)), ms(percentile(values, 99)), ms(Math.max(...values))];
      }),
    );
    console.log(`\nSequential requests over loopback, after ${WARM_UP} warm-up requests of each kind; local key vault, DynamoDB Local in memory.`);
  } finally {
    await exchange.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
