/** Logging of requests through the injected Log: one structured record per unexpected error, with the request's keys. */
import type { Log, LogFields, Principal } from '@cx/domain';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApiApp } from './app.js';
import type { AuthDeps } from './auth.js';
import { problemResponse } from './problem.js';
import { requestIds } from './request-ids.js';
import { institutionLog, requestLog } from './request-log.js';

interface LogRecord {
  level: 'info' | 'warn' | 'error';
  message: string;
  /** The keys in effect (withKeys) and the record's own fields. */
  fields: LogFields;
}

/** A Log that keeps its records, keys of the enclosing withKeys calls merged in as Powertools' adapter does. */
function recordingLog(): Log & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  let keys: LogFields = {};
  const write = (level: LogRecord['level']) => (message: string, fields?: LogFields) => records.push({ level, message, fields: { ...keys, ...fields } });
  return {
    records,
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    withKeys: async (added, work) => {
      const outer = keys;
      keys = { ...outer, ...added };
      try {
        return await work();
      } finally {
        keys = outer;
      }
    },
  };
}

/** A key store that knows no key: every request is anonymous. */
const noKeys: AuthDeps['store'] = { apiKeys: { get: async () => undefined } };

describe('an unexpected error in a route', () => {
  it('logs one structured error record with the request id and the error with its stack', async () => {
    const log = recordingLog();
    const app = createApiApp({ auth: { store: noKeys }, log });
    app.get('/boom', () => {
      throw new Error('the disk is on fire');
    });

    const response = await app.request('/boom');

    expect(response.status).toBe(500);
    expect(log.records).toHaveLength(1);
    const [record] = log.records;
    expect(record).toMatchObject({ level: 'error', fields: { requestId: response.headers.get('x-request-id'), path: '/boom' } });
    const error = record!.fields.error as Error;
    expect(error.message).toBe('the disk is on fire');
    expect(error.stack).toContain('request-log.test.ts');
  });

  it('logs nothing for an error the exchange answers by design (a 404)', async () => {
    const log = recordingLog();
    const app = createApiApp({ auth: { store: noKeys }, log });

    expect((await app.request('/nowhere')).status).toBe(404);
    expect(log.records).toEqual([]);
  });
});

describe('institutionLog', () => {
  it("puts the caller's institution on the records of the rest of the request", async () => {
    const log = recordingLog();
    const principal: Principal = { kind: 'institution', institutionId: 'uni-a', keyId: 'k1' };
    const app = new Hono<{ Variables: { principal: Principal } }>();
    app.use('*', requestIds(), requestLog(log));
    app.use('*', async (c, next) => {
      c.set('principal', principal);
      await next();
    });
    app.use('*', institutionLog());
    app.get('/work', (c) => {
      log.info('working');
      return c.text('done');
    });
    app.onError(problemResponse);

    const response = await app.request('/work');

    expect(log.records).toEqual([{ level: 'info', message: 'working', fields: { requestId: response.headers.get('x-request-id'), institution: 'uni-a' } }]);
  });
});
