import { describe, expect, it } from 'vitest';
import { ApiError, networkReason } from './errors.js';

describe('ApiError.fromResponse', () => {
  it('reads every member of a problem document, field errors included', async () => {
    const problem = {
      type: '/problems/validation',
      title: 'The request is not valid',
      status: 400,
      detail: 'invalid field: country',
      requestId: 'req-1',
      errors: [{ field: 'country', message: 'must be an ISO 3166-1 alpha-2 country code, e.g. NL', pointer: '#/country' }],
    };
    const response = new Response(JSON.stringify(problem), { status: 400, headers: { 'content-type': 'application/problem+json' } });

    const error = await ApiError.fromResponse(response);

    expect(error).toMatchObject({ status: 400, type: '/problems/validation', title: 'The request is not valid', detail: 'invalid field: country', requestId: 'req-1' });
    expect(error.errors).toEqual([{ field: 'country', message: 'must be an ISO 3166-1 alpha-2 country code, e.g. NL', pointer: '#/country' }]);
    expect(error.message).toBe('400 The request is not valid: invalid field: country');
  });

  it('keeps the status and the start of the body when the answer is not a problem document', async () => {
    const response = new Response('<html><body>Bad Gateway</body></html>', { status: 502, statusText: 'Bad Gateway', headers: { 'x-request-id': 'gw-7' } });

    const error = await ApiError.fromResponse(response);

    expect(error).toMatchObject({ status: 502, title: 'Bad Gateway', detail: '<html><body>Bad Gateway</body></html>', requestId: 'gw-7', errors: [] });
  });

  it('says so when an error answer has no body', async () => {
    const error = await ApiError.fromResponse(new Response(null, { status: 503 }));

    expect(error.status).toBe(503);
    expect(error.detail).toBe('the exchange answered with no details');
  });
});

describe('networkReason', () => {
  it('names a refused connection in words', () => {
    const error = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } });

    expect(networkReason(error, 60_000)).toBe('connection refused (is the exchange running?)');
  });

  it('names a timeout with the time waited', () => {
    expect(networkReason(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 30_000)).toBe('no answer within 30 s');
  });

  it('explains a port that fetch refuses to use', () => {
    const error = Object.assign(new TypeError('fetch failed'), { cause: new Error('bad port') });

    expect(networkReason(error, 60_000)).toBe('fetch refuses that port (it is on the list of blocked ports); use another');
  });
});
