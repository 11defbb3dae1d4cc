/** The Powertools adapter of the Log port: what a record in CloudWatch carries. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLog } from './log.js';

/** The JSON records written to stdout and stderr while `act` runs. */
async function recordsOf(act: () => Promise<void> | void): Promise<Record<string, any>[]> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act();
  } finally {
    vi.restoreAllMocks();
  }
  return lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

afterEach(() => vi.restoreAllMocks());

describe('the Powertools log', () => {
  it('writes one JSON record with the message, the level, the fields and an error with its stack', async () => {
    const [record, ...more] = await recordsOf(() => createLog().error('chunk failed', { messageId: 'm1', error: new Error('throttled') }));

    expect(more).toEqual([]);
    expect(record).toMatchObject({ level: 'ERROR', message: 'chunk failed', service: 'consortium-exchange', messageId: 'm1', error: { name: 'Error', message: 'throttled' } });
    expect(record!.error.stack).toContain('log.test.ts');
  });

  it('puts the keys of withKeys on the records logged inside it, and only there', async () => {
    const log = createLog();
    const records = await recordsOf(async () => {
      await log.withKeys({ requestId: 'r1' }, () => log.withKeys({ institution: 'uni-a' }, async () => log.info('inside')));
      log.info('after');
    });

    expect(records.map(({ message, requestId, institution }) => ({ message, requestId, institution }))).toEqual([
      { message: 'inside', requestId: 'r1', institution: 'uni-a' },
      { message: 'after', requestId: undefined, institution: undefined },
    ]);
  });

  it('keeps the keys of concurrent requests apart', async () => {
    const log = createLog();
    const records = await recordsOf(async () => {
      const request = (id: string) => log.withKeys({ requestId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.info(`in ${id}`);
      });
      await Promise.all([request('a'), request('b')]);
    });

    expect(records.map(({ message, requestId }) => `${message}: ${requestId}`).sort()).toEqual(['in a: a', 'in b: b']);
  });

  it('carries the Lambda request id, function name and cold start once it has the invocation context', async () => {
    const log = createLog();
    const context = { awsRequestId: 'lambda-1', functionName: 'cx-verify', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cx-verify', memoryLimitInMB: '1024', callbackWaitsForEmptyEventLoop: true, logGroupName: 'g', logStreamName: 's', getRemainingTimeInMillis: () => 1000, done: () => undefined, fail: () => undefined, succeed: () => undefined };
    const [record] = await recordsOf(() => {
      log.addLambdaContext(context);
      log.info('invoked');
    });

    expect(record).toMatchObject({ function_request_id: 'lambda-1', function_name: 'cx-verify', cold_start: expect.any(Boolean) });
  });
});
