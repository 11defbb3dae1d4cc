/**
 * The graduation-run functions SQS and EventBridge invoke: the worker reports a failed chunk
 * back to SQS, the dead-letter consumer ends a chunk SQS gave up on (its remaining items
 * failed, the run done-with-errors), and the sweep sends a quiet run's chunks again.
 */
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { credentialServices, type BatchChunkMessage } from '@cx/core';
import type { Clock } from '@cx/domain';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { componentBody } from '../../catalogue/src/fixtures.js';
import { batchSweeper, chunkWorker, deadLetterConsumer } from './batch-handlers.js';
import { issueBody } from './fixtures.js';

let cx: TestExchange;
const actor = { kind: 'institution' as const, id: 'uni-a', keyId: 'test' };
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  cx = await testExchange();
  const { apiKey } = await cx.onboard('uni-a');
  expect((await cx.request('PUT', '/v1/institutions/uni-a/components/ML-1', { key: apiKey, body: componentBody() })).status).toBe(201);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function batches(sign?: () => Promise<Uint8Array>) {
  const sent: BatchChunkMessage[] = [];
  const keyVault = sign ? { ...cx.deps.keyVault, createKey: cx.deps.keyVault.createKey.bind(cx.deps.keyVault), publicKey: cx.deps.keyVault.publicKey.bind(cx.deps.keyVault), discardKey: cx.deps.keyVault.discardKey.bind(cx.deps.keyVault), sign } : cx.deps.keyVault;
  const services = credentialServices({ ...cx.deps, keyVault, clock, batchQueue: { send: async (messages) => void sent.push(...messages) } });
  return { runner: services.batches, sent };
}

const event = (messages: BatchChunkMessage[]): SQSEvent =>
  ({ Records: messages.map((message, i) => ({ messageId: `m-${i}`, body: JSON.stringify(message), attributes: { ApproximateReceiveCount: '1' } })) }) as unknown as SQSEvent;

const items = (run: string, count: number) => Array.from({ length: count }, (_, i) => issueBody({ recipient: { name: `Student ${i}`, email: `${run}-${i}@example.org` } }));

describe('the worker', () => {
  it('reports a chunk that failed back to SQS, and only that one', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { runner, sent } = batches(async () => Promise.reject(new Error('socket hang up')));
    await runner.submit('uni-a', items('worker', 3), actor);
    expect(await chunkWorker(runner)(event(sent))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }] });
  });
});

describe('the dead-letter consumer', () => {
  it('reports every remaining item of a dead-lettered chunk failed, so the run ends', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { runner, sent } = batches();
    const batch = await runner.submit('uni-a', items('dead', 4), actor);
    expect(await deadLetterConsumer(runner)(event(sent))).toEqual({ batchItemFailures: [] });
    const view = await runner.view('uni-a', batch.id);
    expect(view).toMatchObject({ status: 'done-with-errors', issued: 0, failed: 4 });
    expect(view!.errors[0]!.problem).toMatchObject({ status: 503, detail: expect.stringContaining('given up') });
  });
});

describe('the sweep', () => {
  it('sends the chunks of a run that went quiet to the queue again', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const lost = batches();
    const batch = await lost.runner.submit('uni-a', items('quiet', 2), actor);
    offsetMs += 60 * 60_000;
    const sweeping = batches();
    expect(await batchSweeper(sweeping.runner)()).toMatchObject({ resent: expect.any(Number) });
    expect(sweeping.sent).toContainEqual({ institution: 'uni-a', batchId: batch.id, chunk: 0 });
  });
});
