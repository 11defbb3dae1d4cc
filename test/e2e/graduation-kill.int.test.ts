/**
 * `pnpm start` killed with SIGKILL in the middle of a graduation run, under injected faults
 * (CX_FAULTS), loses nothing: the next start on the same data folder resumes the run, and
 * it ends with every item issued exactly once. The DynamoDB Local JVM is killed too, as a
 * crash of the machine would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { componentBody } from '../../functions/catalogue/src/fixtures.js';
import { issueBody } from '../../functions/credentials/src/fixtures.js';
import { isRunning, killExchangeProcess, startExchangeProcess, waitUntilGone, type ExchangeProcess } from '../support/exchange-process.js';

type Json = Record<string, any>;

const ITEMS = 400;
const FAULTS = 'dynamodb=0.1,kms=0.1,seed=3';
const started: ExchangeProcess[] = [];

afterEach(() => {
  for (const exchange of started.splice(0)) killExchangeProcess(exchange);
});

async function start(dataDir: string): Promise<ExchangeProcess> {
  const exchange = await startExchangeProcess({ CX_DATA_DIR: dataDir, CX_FAULTS: FAULTS, CX_ADMIN_TOKEN: undefined, CX_PUBLIC_URL: undefined, CX_SIGNER: undefined, CX_HOST: undefined });
  started.push(exchange);
  return exchange;
}

/** A request retried while the exchange answers 429 or 503, as a client should. */
async function send(exchange: ExchangeProcess, method: string, path: string, key: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${exchange.url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if ((response.status !== 429 && response.status !== 503) || attempt >= 20) return response;
    await response.arrayBuffer();
    await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
  }
}

async function view(exchange: ExchangeProcess, key: string, id: string): Promise<Json | undefined> {
  const response = await send(exchange, 'GET', `/v1/institutions/uni-k/credential-batches/${id}?limit=10`, key);
  return response.status === 200 ? ((await response.json()) as Json) : undefined;
}

describe('pnpm start killed with SIGKILL during a graduation run under faults', () => {
  it('resumes the run at the next start and issues every item exactly once', { timeout: 300_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cx-kill-'));
    const first = await start(dataDir);
    const adminKey = first.adminKey!;
    const onboarded = await send(first, 'POST', '/v1/institutions', adminKey, { id: 'uni-k', name: 'University K', country: 'NL', homepage: 'https://uni-k.example.edu' }, { 'idempotency-key': 'onboard-uni-k' });
    expect(onboarded.status, await onboarded.clone().text()).toBe(201);
    const key = ((await onboarded.json()) as Json).apiKey as string;
    expect((await send(first, 'PUT', '/v1/institutions/uni-k/components/ML-1', key, componentBody())).status).toBe(201);

    const items = Array.from({ length: ITEMS }, (_, i) => issueBody({ recipient: { name: `Student ${i}`, email: `k-${i}@example.org`, studentId: `K-${i}` } }));
    const accepted = await send(first, 'POST', '/v1/institutions/uni-k/credential-batches', key, { items }, { 'idempotency-key': 'graduation-kill' });
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    const { id } = (await accepted.json()) as Json;

    // some items issued, most not: then the process and its engine die at once
    for (let progress = (await view(first, key, id))?.issued ?? 0; progress === 0; progress = (await view(first, key, id))?.issued ?? 0) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const javaPid = first.javaPid!;
    first.child.kill('SIGKILL');
    process.kill(javaPid, 'SIGKILL');
    expect(await waitUntilGone(first.pid)).toBe(true);
    expect(await waitUntilGone(javaPid)).toBe(true);
    expect(isRunning(first.pid)).toBe(false);

    const second = await start(dataDir);
    expect(second.output()).toMatch(/resumed 1 unfinished graduation run/);
    let last: Json | undefined;
    const deadline = Date.now() + 200_000;
    while (Date.now() < deadline) {
      last = (await view(second, key, id)) ?? last;
      if (last?.status === 'done' || last?.status === 'done-with-errors') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(last).toMatchObject({ status: 'done', total: ITEMS, issued: ITEMS, failed: 0 });

    const perItem: number[] = new Array(ITEMS).fill(-1);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = next++; i < ITEMS; i = next++) {
          const response = await send(second, 'GET', `/v1/institutions/uni-k/credentials?recipient=K-${i}&limit=100`, key);
          expect(response.status).toBe(200);
          perItem[i] = ((await response.json()) as Json).items.length;
        }
      }),
    );
    expect({ lost: perItem.filter((n) => n === 0).length, duplicates: perItem.filter((n) => n > 1).length }).toEqual({ lost: 0, duplicates: 0 });
    expect(await second.stop('SIGTERM')).toBe(0);
  });
});
