import { readFileSync } from 'node:fs';
import { issueRequestSchema } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { issueRequestFromCells, issueRequestsFromCsv, recipientLabel } from './graduation-rows.js';

describe('issueRequestFromCells', () => {
  it('builds the issue request from the columns', () => {
    const body = issueRequestFromCells({
      type: 'badge',
      code: 'MENTOR',
      version: '2',
      name: 'Ada Lovelace',
      email: 'ada@example.org',
      studentId: 'S1001',
      grade: '8,5',
      ectsEarned: '2,5',
      evidenceName: 'Portfolio',
      evidenceUrl: 'https://example.org/p',
      validUntil: '2030-01-01T00:00:00Z',
    });

    expect(body).toEqual({
      achievement: { type: 'badge', code: 'MENTOR', version: 2 },
      recipient: { name: 'Ada Lovelace', email: 'ada@example.org', studentId: 'S1001' },
      result: { grade: '8,5', ectsEarned: 2.5 },
      evidence: [{ name: 'Portfolio', url: 'https://example.org/p' }],
      validUntil: '2030-01-01T00:00:00Z',
    });
  });

  it('takes an empty type as a component and leaves out an empty result', () => {
    expect(issueRequestFromCells({ code: 'DS-101', name: 'Ada', did: 'did:key:z6Mk1', grade: '' })).toEqual({
      achievement: { type: 'component', code: 'DS-101' },
      recipient: { name: 'Ada', did: 'did:key:z6Mk1' },
    });
  });
});

describe('issueRequestsFromCsv', () => {
  it('turns every row of the example graduation file into a request the API takes', () => {
    const source = new URL('../../../examples/graduation.csv', import.meta.url);
    const items = issueRequestsFromCsv(parseCsv(readFileSync(source), 'graduation.csv'), 'graduation.csv');

    expect(items.length).toBeGreaterThanOrEqual(10);
    for (const { row, item } of items) expect(issueRequestSchema.safeParse(item).error, `row ${row}`).toBeUndefined();
  });

  it('refuses a header with neither an email nor a did column', () => {
    expect(() => issueRequestsFromCsv(parseCsv('code,name\nDS-101,Ada\n', 'g.csv'), 'g.csv')).toThrow('g.csv: the header needs an email or a did column');
  });
});

describe('recipientLabel', () => {
  it('names the recipient by name and student id', () => {
    expect(recipientLabel({ recipient: { name: 'Ada', email: 'a@x.org', studentId: 'S1' } })).toBe('Ada, S1');
  });
});
