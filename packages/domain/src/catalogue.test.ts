import { describe, expect, it } from 'vitest';
import {
  badgeBodySchema,
  componentBodySchema,
  ectsSchema,
  microDegreeBodySchema,
  requirementProblem,
  searchTextOf,
  searchWords,
} from './catalogue.js';
import { isDetailedIscedField, isIscedField } from './isced.js';

const component = {
  title: 'Introduction to Machine Learning',
  description: 'Supervised learning.',
  learningOutcomes: ['Train a classifier'],
  ects: 5,
  eqfLevel: 6,
  iscedField: '0613',
  languages: ['en'],
  assessment: { type: 'project', supervision: 'supervised' },
  participation: 'blended',
  qualityAssurance: 'Internal QA',
};

describe('searchWords', () => {
  it('lowercases, drops diacritics and splits on everything that is not a letter or digit', () => {
    expect(searchWords('Économie, Data-Science & ÅI 101!')).toEqual(['economie', 'data', 'science', 'ai', '101']);
  });

  it('answers no words for punctuation only', () => {
    expect(searchWords(' ?! -- ')).toEqual([]);
  });
});

describe('searchTextOf', () => {
  it('holds the words of the title, description and learning outcomes, each preceded by a space', () => {
    const text = searchTextOf({ title: 'Machine Learning', description: 'With Python.', learningOutcomes: ['Apply gradient descent'] });
    expect(text).toBe(' machine learning with python apply gradient descent ');
  });

  it('uses the name of a badge and leaves its criteria out', () => {
    expect(searchTextOf({ name: 'Peer Mentor', description: 'Mentoring.', criteria: 'Twelve sessions' })).toBe(' peer mentor mentoring ');
  });
});

describe('requirementProblem', () => {
  it('accepts "all" for any list', () => {
    expect(requirementProblem({ type: 'all' }, 1, 0.5)).toBeUndefined();
  });

  it('accepts at-least up to the number of components and refuses more', () => {
    expect(requirementProblem({ type: 'at-least', count: 3 }, 3, 10)).toBeUndefined();
    expect(requirementProblem({ type: 'at-least', count: 4 }, 3, 10)).toMatch(/at least 4 components but only 3/);
  });

  it('accepts min-ects up to the total and refuses more', () => {
    expect(requirementProblem({ type: 'min-ects', ects: 12.5 }, 2, 12.5)).toBeUndefined();
    expect(requirementProblem({ type: 'min-ects', ects: 13 }, 2, 12.5)).toMatch(/13 ECTS .* 12.5/);
  });
});

describe('ectsSchema', () => {
  it.each([0.5, 1, 2.5, 59.5, 60])('accepts %d', (ects) => expect(ectsSchema.safeParse(ects).success).toBe(true));
  it.each([0, 0.25, 0.3, 5.1, 60.5, 61, -1, Number.NaN])('refuses %d', (ects) => expect(ectsSchema.safeParse(ects).success).toBe(false));
});

describe('componentBodySchema', () => {
  it('accepts a complete component', () => {
    expect(componentBodySchema.parse(component)).toEqual(component);
  });

  it('trims texts', () => {
    expect(componentBodySchema.parse({ ...component, title: '  Databases  ' }).title).toBe('Databases');
  });

  it('accepts a validity of one day and refuses one that ends before it starts', () => {
    expect(componentBodySchema.safeParse({ ...component, validFrom: '2026-09-01', validUntil: '2026-09-01' }).success).toBe(true);
    const result = componentBodySchema.safeParse({ ...component, validFrom: '2026-09-01', validUntil: '2026-08-31' });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['validUntil']]);
  });
});

describe('microDegreeBodySchema', () => {
  const degree = {
    title: 'Data Science',
    description: 'Two partners.',
    learningOutcomes: ['Build a pipeline'],
    eqfLevel: 6,
    components: [{ institution: 'uni-a', code: 'ML-1' }],
    requirement: { type: 'all' },
  };

  it('accepts each kind of requirement', () => {
    for (const requirement of [{ type: 'all' }, { type: 'at-least', count: 1 }, { type: 'min-ects', ects: 90 }]) {
      expect(microDegreeBodySchema.safeParse({ ...degree, requirement }).success, JSON.stringify(requirement)).toBe(true);
    }
  });

  it('refuses more than 40 components', () => {
    const components = Array.from({ length: 41 }, (_, i) => ({ institution: 'uni-a', code: `C-${i}` }));
    expect(microDegreeBodySchema.safeParse({ ...degree, components }).error?.issues.map((i) => i.path)).toEqual([['components']]);
  });
});

describe('badgeBodySchema', () => {
  it('accepts alignments to ESCO skills', () => {
    const badge = {
      name: 'Peer Mentor',
      description: 'Mentoring.',
      category: 'social-engagement',
      criteria: 'Twelve sessions',
      alignments: [{ targetName: 'mentor individuals', targetUrl: 'http://data.europa.eu/esco/skill/1234' }],
      evidenceRequired: true,
    };
    expect(badgeBodySchema.parse(badge)).toEqual(badge);
  });
});

describe('ISCED-F codes', () => {
  it('knows detailed fields and refuses broad, narrow and unknown ones as detailed', () => {
    expect(isDetailedIscedField('0613')).toBe(true);
    for (const code of ['06', '061', '0614', '9999', 'abcd', '06130']) expect(isDetailedIscedField(code), code).toBe(false);
  });

  it('accepts broad, narrow and detailed fields as search filters', () => {
    for (const code of ['06', '061', '0613']) expect(isIscedField(code), code).toBe(true);
    for (const code of ['6', '11', '069', '0614', '06130']) expect(isIscedField(code), code).toBe(false);
  });
});
