/**
 * No request path scans the table: every catalogue route (writes, reads, every search) is
 * run over a DynamoDB client that records the commands it sends.
 */
import { randomUUID } from 'node:crypto';
import { Store } from '@cx/store';
import { ensureTable, localClient } from '@cx/store/dynamodb-local';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { badgeBody, componentBody, degreeBody } from './fixtures.js';

/** Command names the exchange sent, in order. */
const sent: string[] = [];
let cx: TestExchange;
const key: Record<string, string> = {};

beforeAll(async () => {
  const client = localClient(inject('dynamoEndpoint'));
  const tableName = `test-${randomUUID()}`;
  await ensureTable(client, tableName);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  cx = await testExchange({ store: new Store({ tableName, client }) });
  for (const id of ['uni-a', 'uni-b']) key[id] = (await cx.onboard(id)).apiKey;
});

/** Runs `requests` and answers the commands they sent. */
async function commandsOf(requests: () => Promise<void>): Promise<string[]> {
  const from = sent.length;
  await requests();
  return sent.slice(from);
}

async function call(method: string, path: string, options: { key?: string; body?: unknown; headers?: Record<string, string> } = {}, status?: number) {
  const response = await cx.request(method, path, options);
  if (status !== undefined) expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(status);
  return response;
}

describe('the commands catalogue routes send', () => {
  it('records the commands of this client (the check below can fail)', async () => {
    const commands = await commandsOf(async () => {
      await call('GET', '/v1/components?limit=1', {}, 200);
    });
    expect(commands).toEqual(['QueryCommand']);
  });

  it('never sends a Scan for writes and reads of entries', async () => {
    const a = key['uni-a']!;
    const b = key['uni-b']!;
    const commands = await commandsOf(async () => {
      for (let i = 0; i < 6; i++) {
        await call('PUT', `/v1/institutions/uni-a/components/ML-${i}`, { key: a, body: componentBody({ eqfLevel: 5 + (i % 3) }) }, 201);
      }
      await call('PUT', '/v1/institutions/uni-b/components/DE-1', { key: b, body: componentBody({ iscedField: '0612' }) }, 201);
      await call('PUT', '/v1/institutions/uni-a/components/ML-0', { key: a, body: componentBody({ eqfLevel: 5 }) }, 200);
      await call('PUT', '/v1/institutions/uni-a/components/ML-0', { key: a, body: componentBody({ ects: 6, eqfLevel: 5 }), headers: { 'if-match': '"1"' } }, 200);
      await call('PUT', '/v1/institutions/uni-a/components/ML-0', { key: a, body: componentBody(), headers: { 'if-match': '"1"' } }, 412);
      await call('POST', '/v1/institutions/uni-b/components:batch', { key: b, body: { items: [{ code: 'DE-2', ...componentBody() }, { code: 'DE-3', ...componentBody({ ects: 0 }) }] } }, 200);
      await call('GET', '/v1/institutions/uni-a/components/ML-0', {}, 200);
      await call('GET', '/v1/institutions/uni-a/components/ML-0/versions/1', {}, 200);
      await call('GET', '/v1/institutions/uni-a/components/NONE', {}, 404);
      await call('PUT', '/v1/institutions/uni-a/micro-degrees/MD-1', { key: a, body: degreeBody([{ institution: 'uni-a', code: 'ML-1' }, { institution: 'uni-b', code: 'DE-1' }]) }, 201);
      await call('PUT', '/v1/institutions/uni-a/micro-degrees/MD-1', { key: a, body: degreeBody([{ institution: 'uni-a', code: 'ML-1' }]) }, 200);
      await call('PUT', '/v1/institutions/uni-a/micro-degrees/MD-2', { key: a, body: degreeBody([{ institution: 'uni-b', code: 'NONE' }]) }, 400);
      await call('GET', '/v1/institutions/uni-a/micro-degrees/MD-1', {}, 200);
      await call('GET', '/v1/institutions/uni-a/micro-degrees/MD-1/versions/1', {}, 200);
      await call('PUT', '/v1/institutions/uni-b/badges/B-1', { key: b, body: badgeBody() }, 201);
      await call('GET', '/v1/institutions/uni-b/badges/B-1', {}, 200);
      await call('GET', '/v1/institutions/uni-b/badges/B-1/versions/1', {}, 200);
      await call('DELETE', '/v1/institutions/uni-a/components/ML-5', { key: a }, 200);
      await call('DELETE', '/v1/institutions/uni-a/micro-degrees/MD-1', { key: a }, 200);
      await call('DELETE', '/v1/institutions/uni-b/badges/B-1', { key: b }, 200);
    });
    expect(commands).not.toContain('ScanCommand');
    expect(commands).toEqual(expect.arrayContaining(['GetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']));
  });

  it('never sends a Scan for any search, filter or page', async () => {
    const searches = [
      '/v1/components',
      '/v1/components?institution=uni-a',
      '/v1/components?field=06',
      '/v1/components?field=061',
      '/v1/components?field=0613',
      '/v1/components?field=0613&eqfLevel=6',
      '/v1/components?field=06&eqfLevel=6&language=en',
      '/v1/components?eqfLevel=5',
      '/v1/components?language=en',
      '/v1/components?participation=blended',
      '/v1/components?minEcts=5&maxEcts=10',
      '/v1/components?q=machine%20learning',
      '/v1/components?institution=uni-a&q=python&eqfLevel=7',
      '/v1/components?status=withdrawn',
      '/v1/micro-degrees',
      '/v1/micro-degrees?institution=uni-a',
      '/v1/micro-degrees?eqfLevel=6',
      '/v1/micro-degrees?q=data',
      '/v1/micro-degrees?component=uni-a/ML-1',
      '/v1/micro-degrees?component=uni-a/ML-1&status=withdrawn',
      '/v1/badges',
      '/v1/badges?category=social-engagement',
      '/v1/badges?category=social-engagement&institution=uni-b',
      '/v1/badges?institution=uni-b&q=mentor',
      '/v1/badges?status=withdrawn',
    ];
    const commands = await commandsOf(async () => {
      for (const search of searches) {
        // every page of each search, with a cursor from the second page on
        let cursor: string | undefined;
        do {
          const separator = search.includes('?') ? '&' : '?';
          const response = await call('GET', `${search}${separator}limit=2${cursor ? `&cursor=${cursor}` : ''}`, {}, 200);
          cursor = ((await response.json()) as { nextCursor?: string }).nextCursor;
        } while (cursor);
      }
    });
    expect(commands).not.toContain('ScanCommand');
    expect(new Set(commands)).toEqual(new Set(['QueryCommand', 'BatchGetItemCommand']));
  });
});
