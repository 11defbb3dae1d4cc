/** `cx api-keys revoke-all`: what it sends and what it prints. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './command.js';
import { run } from './run.js';

async function cx(argv: string[], answer: { status: number; body: unknown }) {
  const ran = { stdout: '', stderr: '', requests: [] as Array<{ method: string; url: string; authorization: string | null }> };
  const io: CliIo = {
    env: { CX_URL: 'http://exchange.test', CX_API_KEY: `cxk_0123456789abcdef_${'A'.repeat(43)}` },
    stdout: { write: (t) => void (ran.stdout += t) },
    stderr: { write: (t) => void (ran.stderr += t) },
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    readStdin: async () => '',
    fetch: async (input, init) => {
      const request = new Request(input, init);
      ran.requests.push({ method: request.method, url: request.url, authorization: request.headers.get('authorization') });
      const problem = answer.status >= 400;
      return new Response(JSON.stringify(answer.body), {
        status: answer.status,
        headers: { 'content-type': problem ? 'application/problem+json' : 'application/json', 'x-request-id': 'r-1' },
      });
    },
  };
  return { code: await run(argv, io), ...ran };
}

describe('cx api-keys revoke-all', () => {
  it('calls POST /v1/institutions/{id}/api-keys:revoke-all with the admin key and lists the revoked keys', async () => {
    const ran = await cx(['api-keys', 'revoke-all', 'uni-a'], { status: 200, body: { revoked: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'] } });

    expect(ran.code).toBe(0);
    expect(ran.requests).toEqual([
      { method: 'POST', url: 'http://exchange.test/v1/institutions/uni-a/api-keys:revoke-all', authorization: expect.stringMatching(/^Bearer cxk_/) },
    ]);
    expect(ran.stdout).toBe('Revoked 2 API keys of uni-a; none of them works any more:\n  aaaaaaaaaaaaaaaa\n  bbbbbbbbbbbbbbbb\n');
  });

  it('says so when nothing was left to revoke', async () => {
    const ran = await cx(['api-keys', 'revoke-all', 'uni-a'], { status: 200, body: { revoked: [] } });

    expect(ran.code).toBe(0);
    expect(ran.stdout).toBe('uni-a had no API key left to revoke.\n');
  });

  it('prints the answer as JSON with --json', async () => {
    const ran = await cx(['api-keys', 'revoke-all', 'uni-a', '--json'], { status: 200, body: { revoked: ['aaaaaaaaaaaaaaaa'] } });

    expect(JSON.parse(ran.stdout)).toEqual({ revoked: ['aaaaaaaaaaaaaaaa'] });
  });

  it('exits 1 with the problem when the key is not an admin key', async () => {
    const ran = await cx(['api-keys', 'revoke-all', 'uni-a'], {
      status: 403,
      body: { type: '/problems/forbidden', title: 'Not allowed', status: 403, detail: 'this route is for the consortium admin', requestId: 'r-1' },
    });

    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('this route is for the consortium admin');
  });

  it('exits 2 without an institution, sending nothing', async () => {
    const ran = await cx(['api-keys', 'revoke-all'], { status: 200, body: {} });

    expect(ran.code).toBe(2);
    expect(ran.requests).toEqual([]);
  });
});
