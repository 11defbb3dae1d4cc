import { describe, expect, it } from 'vitest';
import { agreementBodySchema, agreementIdSchema, appealBodySchema, decisionBodySchema, gradeMeets, transferBodySchema } from './recognition.js';

const paths = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) =>
  result.success ? [] : result.error!.issues.map((i) => i.path.join('.'));

describe('gradeMeets', () => {
  it.each([
    ['8.5', '8', true],
    ['8', '8', true],
    ['7.9', '8', false],
    ['10', '9', true],
    ['7,5', '7.5', true],
    ['16', '14,5', true],
  ])('compares numbers numerically: %s against %s is %s', (grade, minimum, expected) => {
    expect(gradeMeets(grade, minimum)).toBe(expected);
  });

  it.each([
    ['A', 'B', true],
    ['B', 'B', true],
    ['C', 'B', false],
    ['B+', 'B', true],
    ['B-', 'B', false],
    ['A-', 'B+', true],
    ['b', 'B', true],
  ])('ranks single letters with A best: %s against %s is %s', (grade, minimum, expected) => {
    expect(gradeMeets(grade, minimum)).toBe(expected);
  });

  it('accepts any other grade only when it equals the minimum, whatever the case', () => {
    expect(gradeMeets('Pass', 'pass')).toBe(true);
    expect(gradeMeets('excellent', 'good')).toBe(false);
  });

  it('does not compare a letter with a number', () => {
    expect(gradeMeets('A', '6')).toBe(false);
    expect(gradeMeets('9', 'B')).toBe(false);
  });

  it('is not met by a credential stating no grade', () => {
    expect(gradeMeets(undefined, '1')).toBe(false);
  });

  it('compares numbers the other way on a lower-is-better scale (the German 1.0-5.0)', () => {
    expect(gradeMeets('1,7', '2.3', 'lower-is-better')).toBe(true);
    expect(gradeMeets('2.3', '2.3', 'lower-is-better')).toBe(true);
    expect(gradeMeets('3.0', '2.3', 'lower-is-better')).toBe(false);
    expect(gradeMeets('3.0', '2.3')).toBe(true);
  });
});

describe('agreementBodySchema', () => {
  const rule = { partnerComponent: 'ML-1', reviewedVersion: 1, recognisedAs: { ects: 5 } };

  it('accepts a minimal agreement', () => {
    expect(agreementBodySchema.safeParse({ partner: 'uni-a', validFrom: '2026-01-01', rules: [rule] }).success).toBe(true);
  });

  it('accepts validUntil equal to validFrom (a one-day agreement)', () => {
    expect(agreementBodySchema.safeParse({ partner: 'uni-a', validFrom: '2026-01-01', validUntil: '2026-01-01', rules: [rule] }).success).toBe(true);
  });

  it('names validUntil when it is before validFrom', () => {
    expect(paths(agreementBodySchema.safeParse({ partner: 'uni-a', validFrom: '2026-01-02', validUntil: '2026-01-01', rules: [rule] }))).toEqual(['validUntil']);
  });

  it('names the second rule for the same partner component', () => {
    expect(paths(agreementBodySchema.safeParse({ partner: 'uni-a', validFrom: '2026-01-01', rules: [rule, rule] }))).toEqual(['rules.1.partnerComponent']);
  });

  it('refuses more than 200 rules', () => {
    const rules = Array.from({ length: 201 }, (_, i) => ({ ...rule, partnerComponent: `C-${i}` }));
    expect(paths(agreementBodySchema.safeParse({ partner: 'uni-a', validFrom: '2026-01-01', rules }))).toEqual(['rules']);
  });
});

describe('agreementIdSchema', () => {
  it.each(['uni-a-2026', 'A.1_b-2', 'x'])('accepts %s', (id) => expect(agreementIdSchema.safeParse(id).success).toBe(true));
  it.each(['', '-a', 'a b', 'a/b', 'x'.repeat(65)])('refuses %j', (id) => expect(agreementIdSchema.safeParse(id).success).toBe(false));
});

describe('decisionBodySchema', () => {
  it('accepts a rejection naming one of the five substantial differences', () => {
    for (const difference of ['level', 'workload', 'learning-outcomes', 'quality', 'profile']) {
      expect(decisionBodySchema.safeParse({ credentialId: 'urn:uuid:x', outcome: 'rejected', justification: { difference, explanation: 'Why.' } }).success).toBe(true);
    }
  });

  it('names justification.difference for a rejection without one', () => {
    expect(paths(decisionBodySchema.safeParse({ credentialId: 'urn:uuid:x', outcome: 'rejected', justification: { explanation: 'Why.' } }))).toEqual([
      'justification.difference',
    ]);
  });

  it('accepts a recognition without a difference', () => {
    expect(decisionBodySchema.safeParse({ credentialId: 'urn:uuid:x', outcome: 'recognised', justification: { explanation: 'Fine.' } }).success).toBe(true);
  });
});

describe('transferBodySchema', () => {
  const student = { name: 'Ada', email: 'ada@example.org' };

  it('takes 1 to 50 credentials', () => {
    expect(transferBodySchema.safeParse({ student, credentials: [{}] }).success).toBe(true);
    expect(transferBodySchema.safeParse({ student, credentials: Array(50).fill({}) }).success).toBe(true);
    expect(paths(transferBodySchema.safeParse({ student, credentials: [] }))).toEqual(['credentials']);
    expect(paths(transferBodySchema.safeParse({ student, credentials: Array(51).fill({}) }))).toEqual(['credentials']);
  });

  it('needs an email or a DID for the student', () => {
    expect(paths(transferBodySchema.safeParse({ student: { name: 'Ada', studentId: 'S-1' }, credentials: [{}] }))).toEqual(['student.email']);
    expect(transferBodySchema.safeParse({ student: { name: 'Ada', did: 'did:key:z6Mk' }, credentials: [{}] }).success).toBe(true);
  });
});

describe('appealBodySchema', () => {
  it('needs grounds that are not blank', () => {
    expect(paths(appealBodySchema.safeParse({ credentialId: 'urn:uuid:x', grounds: '   ' }))).toEqual(['grounds']);
  });
});
