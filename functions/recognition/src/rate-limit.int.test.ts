/**
 * Keyless submissions (students) are rate-limited per client address, per minute: 10 by
 * default, `anonymousTransfersPerMinute` otherwise. Other addresses and the institution's own
 * key are not affected, and the next minute starts afresh.
 */
import { credentialServices } from '@cx/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_URL, testExchange, type TestExchange } from '../../../test/support/exchange.js';
import { expectProblem } from '../../../test/support/problem.js';
import { createRecognitionApp } from './app.js';
import { transferBody } from './fixtures.js';

let cx: TestExchange;
let key: string;
/** The exchange's clock: a fixed minute the tests move on. */
let now = Date.parse('2026-03-02T10:00:05Z');
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  cx = await testExchange({ clock });
  key = (await cx.onboard('uni-b')).apiKey;
});

let addresses = 0;
const newAddress = () => `198.51.100.${++addresses}`;

/** A submission as the Lambda or node server hands it over: with the client's address. */
function submit(app: ReturnType<typeof createRecognitionApp>, address: string, apiKey?: string) {
  const request = new Request(`${PUBLIC_URL}/v1/institutions/uni-b/transfers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify(transferBody([{}])),
  });
  return app.fetch(request, { incoming: { socket: { remoteAddress: address } } });
}

async function statuses(app: ReturnType<typeof createRecognitionApp>, address: string, count: number, apiKey?: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await submit(app, address, apiKey)).status);
  return out;
}

describe('keyless submissions', () => {
  it('take 10 a minute from one address by default, then answer a 429 problem', async () => {
    const app = createRecognitionApp(cx.deps);
    const address = newAddress();
    expect(await statuses(app, address, 10)).toEqual(Array(10).fill(201));
    const refused = await submit(app, address);
    expect(refused.headers.get('retry-after')).toBe('60');
    const problem = await expectProblem(refused, 429);
    expect(problem).toMatchObject({ type: '/problems/rate-limited', retryAfterSeconds: 60 });
  });

  it('follow anonymousTransfersPerMinute', async () => {
    const app = createRecognitionApp(cx.deps, { services: credentialServices(cx.deps, { anonymousTransfersPerMinute: 2 }) });
    const address = newAddress();
    expect(await statuses(app, address, 3)).toEqual([201, 201, 429]);
  });

  it('count each address on its own', async () => {
    const app = createRecognitionApp(cx.deps, { services: credentialServices(cx.deps, { anonymousTransfersPerMinute: 1 }) });
    const [first, second] = [newAddress(), newAddress()];
    expect(await statuses(app, first, 2)).toEqual([201, 429]);
    expect(await statuses(app, second, 1)).toEqual([201]);
  });

  it('start afresh in the next minute', async () => {
    const app = createRecognitionApp(cx.deps, { services: credentialServices(cx.deps, { anonymousTransfersPerMinute: 1 }) });
    const address = newAddress();
    expect(await statuses(app, address, 2)).toEqual([201, 429]);
    now += 60_000;
    expect(await statuses(app, address, 1)).toEqual([201]);
  });

  it('do not limit the receiving institution’s own key', async () => {
    const app = createRecognitionApp(cx.deps, { services: credentialServices(cx.deps, { anonymousTransfersPerMinute: 1 }) });
    const address = newAddress();
    expect(await statuses(app, address, 1)).toEqual([201]);
    expect(await statuses(app, address, 3, key)).toEqual([201, 201, 201]);
  });
});
