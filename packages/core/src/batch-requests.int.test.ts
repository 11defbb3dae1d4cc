/**
 * What a graduation run costs in DynamoDB requests, counted by command on DynamoDB Local
 * (issue 14's goal: at most 2 write requests and 1 read request per credential, amortised
 * over a run), and what a single issue costs. Counts, not times: the figures do not depend
 * on how loaded the machine is.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../../functions/catalogue/src/fixtures.js';
import { issueBody } from '../../../functions/credentials/src/fixtures.js';
import type { BatchChunkMessage } from './batch-runner.js';
import { issueRequest, asInstitution } from './test-support.js';
import { credentialServices } from './services.js';

/** Commands as the client's middleware names them. */
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand']);

let cx: TestExchange;
const actor = { kind: 'institution' as const, id: 'uni-a', keyId: 'test' };

beforeAll(async () => {
  cx = await testExchange();
  const { apiKey } = await cx.onboard('uni-a');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() })).status).toBe(201);
});

afterEach(() => {
  cx.deps.store.table.doc.middlewareStack.remove('countRequests');
});

/** Counts every request the store's document client sends from now on, by command name. */
function countRequests(): { reads: () => number; writes: () => number; byCommand: Map<string, number> } {
  const byCommand = new Map<string, number>();
  cx.deps.store.table.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context as { commandName?: string }).commandName ?? 'unknown';
      byCommand.set(command, (byCommand.get(command) ?? 0) + 1);
      return next(args);
    },
    // above the conflict retries: a request retried after a TransactionConflict is counted each time
    { step: 'initialize', priority: 'low', name: 'countRequests' },
  );
  const sum = (names: Set<string>) => [...byCommand].filter(([name]) => names.has(name)).reduce((total, [, n]) => total + n, 0);
  return { reads: () => sum(READS), writes: () => sum(WRITES), byCommand };
}

describe('a graduation run of 500 items', () => {
  it('costs at most 2 write requests and 1 read request per credential, from its start to its end', { timeout: 180_000 }, async () => {
    const sent: BatchChunkMessage[] = [];
    const services = credentialServices({ ...cx.deps, batchQueue: { send: async (messages) => void sent.push(...messages) } });
    const items = Array.from({ length: 500 }, (_, i) => issueBody({ recipient: { name: `Student ${i}`, email: `counted-${i}@example.org` } }));
    const requests = countRequests();

    const batch = await services.batches.submit('uni-a', items, actor);
    for (const message of sent) await services.batches.processChunk(message);

    expect(sent).toHaveLength(5);
    expect(await services.batches.view('uni-a', batch.id)).toMatchObject({ status: 'done', issued: 500, failed: 0 });
    const counted = `${requests.writes()} writes and ${requests.reads()} reads for 500 credentials: ${JSON.stringify(Object.fromEntries(requests.byCommand))}`;
    expect(requests.writes(), counted).toBeLessThanOrEqual(2 * 500);
    expect(requests.reads(), counted).toBeLessThanOrEqual(500);
    // one transaction per credential: the per-item claims are gone
    expect(requests.byCommand.get('PutItemCommand') ?? 0, counted).toBeLessThanOrEqual(10);
    expect(requests.byCommand.size, counted).toBeGreaterThan(3);
  });
});

describe('a single issue', () => {
  it('makes 3 DynamoDB requests, not 5: one read of the institution and entry, the index claim, the commit', async () => {
    const services = credentialServices(cx.deps);
    // the first issue of a process makes sure the status list exists; count a later one
    await services.issuer.issue('uni-a', issueRequest({ recipient: { name: 'First', email: 'first@example.org' } }), asInstitution('uni-a'));
    const requests = countRequests();

    await services.issuer.issue('uni-a', issueRequest({ recipient: { name: 'Ada', email: 'ada-counted@example.org' } }), asInstitution('uni-a'));

    const counted = JSON.stringify(Object.fromEntries(requests.byCommand));
    expect(requests.reads(), counted).toBeLessThanOrEqual(1);
    expect(requests.writes(), counted).toBeLessThanOrEqual(2);
  });
});
