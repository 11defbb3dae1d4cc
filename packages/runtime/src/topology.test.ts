import { describe, expect, it } from 'vitest';
import { createRouter, DEFAULT_ROUTE, FUNCTIONS, type FunctionSpec } from './topology.js';

const fn = (name: string, routes: string[]): FunctionSpec => ({ name, routes, memoryMb: 128, signs: false, createsKeys: false });

/** The name of the function a request goes to, or undefined. */
function routeWith(functions: FunctionSpec[]) {
  const route = createRouter(functions);
  return (method: string, path: string) => route(method, path)?.fn.name;
}

describe('createRouter (API Gateway route precedence)', () => {
  it('prefers an exact route to a greedy one over the same path', () => {
    const route = routeWith([fn('greedy', ['ANY /a/{proxy+}']), fn('exact', ['ANY /a/b'])]);
    expect(route('GET', '/a/b')).toBe('exact');
    expect(route('GET', '/a/c')).toBe('greedy');
  });

  it('prefers an exact route with a parameter to a greedy one', () => {
    const route = routeWith([fn('greedy', ['ANY /a/{proxy+}']), fn('param', ['ANY /a/{id}'])]);
    expect(route('GET', '/a/x')).toBe('param');
    expect(route('GET', '/a/x/y')).toBe('greedy');
  });

  it('prefers the route with more literal segments', () => {
    const route = routeWith([fn('params', ['ANY /a/{x}/{y}']), fn('literal', ['ANY /a/b/{y}'])]);
    expect(route('GET', '/a/b/c')).toBe('literal');
    expect(route('GET', '/a/z/c')).toBe('params');
  });

  it('prefers the longer of two greedy routes', () => {
    const route = routeWith([fn('short', ['ANY /a/{proxy+}']), fn('long', ['ANY /a/b/{proxy+}'])]);
    expect(route('GET', '/a/b/c/d')).toBe('long');
    expect(route('GET', '/a/c/d')).toBe('short');
  });

  it('prefers a route with the method to ANY', () => {
    const route = routeWith([fn('any', ['ANY /a']), fn('get', ['GET /a'])]);
    expect(route('GET', '/a')).toBe('get');
    expect(route('POST', '/a')).toBe('any');
  });

  it('matches a method route only for that method', () => {
    const route = routeWith([fn('get', ['GET /a'])]);
    expect(route('POST', '/a')).toBeUndefined();
  });

  it('does not match a greedy route without at least one segment for it', () => {
    expect(routeWith([fn('greedy', ['ANY /a/{proxy+}'])])('GET', '/a')).toBeUndefined();
  });

  it('answers nothing for a path no route covers', () => {
    expect(routeWith([fn('a', ['ANY /a'])])('GET', '/b')).toBeUndefined();
  });

  it('gives the path parameters, decoded', () => {
    const route = createRouter([fn('param', ['ANY /a/{id}/b'])]);
    expect(route('GET', '/a/uni%2Da/b')?.params).toEqual({ id: 'uni-a' });
  });
});

describe('the exchange topology', () => {
  const route = routeWith(FUNCTIONS);

  it.each([
    ['POST', '/v1/institutions', 'institutions'],
    ['GET', '/v1/institutions', 'institutions'],
    ['GET', '/v1/institutions/uni-a', 'institutions'],
    ['POST', '/v1/institutions/uni-a/keys/rotate', 'institutions'],
    ['POST', '/v1/institutions/uni-a/api-keys', 'institutions'],
    ['DELETE', '/v1/institutions/uni-a/api-keys/0123456789abcdef', 'institutions'],
    ['POST', '/v1/institutions/uni-a/api-keys:revoke-all', 'institutions'],
    ['POST', '/v1/institutions/uni-a/suspend', 'institutions'],
    ['POST', '/v1/institutions/uni-a/reinstate', 'institutions'],
    ['GET', '/institutions/uni-a/did.json', 'institutions'],
    ['GET', '/v1/audit', 'institutions'],
    ['GET', '/openapi.json', 'docs'],
    ['GET', '/docs', 'docs'],
    ['GET', '/docs/assets/swagger-ui-bundle.js', 'docs'],
  ])('sends %s %s to %s', (method, path, name) => {
    expect(route(method, path)).toBe(name);
  });

  it('serves the documentation for GET only (anything else falls to the catch-all route)', () => {
    expect(route('POST', '/openapi.json')).toBe('pages');
  });

  it('sends every path no route serves to the pages, which answer browsers with their own 404 page', () => {
    expect(route('GET', '/no-such-page')).toBe('pages');
    expect(route('GET', '/Verify')).toBe('pages');
    expect(route('DELETE', '/v1/nowhere/x')).toBe('pages');
  });

  it('gives every route key to exactly one function', () => {
    const keys = FUNCTIONS.flatMap((f) => f.routes);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sends each route key, filled in, to the function that declares it', () => {
    for (const spec of FUNCTIONS) {
      for (const key of spec.routes.filter((routeKey) => routeKey !== DEFAULT_ROUTE)) {
        const [method, path] = key.split(' ') as [string, string];
        const concrete = path.replace('{proxy+}', 'x/y').replace(/\{[^}]+\}/g, 'p1');
        expect(route(method === 'ANY' ? 'GET' : method, concrete), key).toBe(spec.name);
      }
    }
  });
});

describe('the notice functions of the topology', () => {
  const byName = (name: string) => FUNCTIONS.find((spec) => spec.name === name);

  it('has every function that writes notices send them to the queue the notice sender consumes', () => {
    const writers = FUNCTIONS.filter((spec) => spec.sendsTo?.includes('notice')).map((spec) => spec.name);
    expect(writers.sort()).toEqual(['credential-batch-sweep', 'credential-batch-worker', 'credentials', 'pages']);
    expect(byName('notice-sender')?.consumes).toEqual({ queue: 'notice', batchSize: 10, maxConcurrency: 2 });
  });

  it('lets only the notice sender mail, and only as a queue consumer whose concurrency divides the sending rate', () => {
    const mailing = FUNCTIONS.filter((spec) => spec.mails);
    expect(mailing.map((spec) => spec.name)).toEqual(['notice-sender']);
    for (const spec of mailing) expect(spec.consumes?.maxConcurrency).toBeGreaterThan(0);
  });

  it('gives up notices through a dead-letter consumer and reads SES events in a function of their own', () => {
    expect(byName('notice-dead-letters')?.consumes).toMatchObject({ queue: 'notice', deadLetters: true });
    expect(FUNCTIONS.filter((spec) => spec.mailEvents).map((spec) => spec.name)).toEqual(['notice-events']);
  });

  it('has a consumer for every queue a function sends to', () => {
    const consumed = new Set(FUNCTIONS.filter((spec) => spec.consumes && !spec.consumes.deadLetters).map((spec) => spec.consumes!.queue));
    for (const queue of FUNCTIONS.flatMap((spec) => spec.sendsTo ?? [])) expect(consumed.has(queue), queue).toBe(true);
  });
});
