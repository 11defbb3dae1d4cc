import { describe, expect, it } from 'vitest';
import {
  badgeBodySchema,
  componentBodySchema,
  componentBatchItemSchema,
  ectsSchema,
  MAX_TRANSLATIONS,
  microDegreeBodySchema,
  requirementProblem,
  searchTextOf,
  searchWords,
} from './catalogue.js';
import { isDetailedIscedField, isIscedField } from './isced.js';
import { fieldIssues } from './zod-issues.js';

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

  it('holds the words of every translation after the primary ones, each word once', () => {
    const text = searchTextOf({
      title: 'Machine Learning',
      description: 'Learning from data.',
      learningOutcomes: ['Train a model'],
      translations: {
        de: { title: 'Maschinelles Lernen', description: 'Lernen aus Daten.', learningOutcomes: ['Ein Modell trainieren'] },
        fr: { title: 'Apprentissage automatique' },
      },
    });
    expect(text).toBe(' machine learning from data train a model maschinelles lernen aus daten ein modell trainieren apprentissage automatique ');
  });

  it('holds the translated names of a badge and leaves their criteria out', () => {
    const text = searchTextOf({ name: 'Peer Mentor', description: 'Mentoring.', criteria: 'Twelve sessions', translations: { de: { name: 'Studienlotse', criteria: 'Zwölf Termine' } } });
    expect(text).toBe(' peer mentor mentoring studienlotse ');
  });
});

describe('translations', () => {
  const de = { title: 'Einführung in das maschinelle Lernen', description: 'Überwachtes Lernen.', learningOutcomes: ['Einen Klassifikator trainieren'] };
  /** The dotted field paths of a component body's problems, as the API names them. */
  const fields = (body: unknown) => {
    const result = componentBodySchema.safeParse(body);
    return result.success ? [] : fieldIssues(result.error).map((issue) => issue.field);
  };

  it('are optional, and kept as given (trimmed) when present', () => {
    expect(componentBodySchema.parse(component).translations).toBeUndefined();
    const parsed = componentBodySchema.parse({ ...component, translations: { de: { ...de, title: `  ${de.title} ` }, fr: { title: 'Apprentissage automatique' } } });
    expect(parsed.translations).toEqual({ de, fr: { title: 'Apprentissage automatique' } });
  });

  it('are taken by micro-degrees and by batch items', () => {
    const degree = { title: 'Data', description: 'D.', learningOutcomes: ['L'], eqfLevel: 6, components: [{ institution: 'uni-a', code: 'C-1' }], requirement: { type: 'all' }, translations: { de } };
    expect(microDegreeBodySchema.parse(degree).translations).toEqual({ de });
    expect(componentBatchItemSchema.parse({ code: 'ML-1', ...component, translations: { de } }).translations).toEqual({ de });
  });

  it.each(['de', 'en', 'ga', 'mt', 'zu'])('take the ISO 639-1 code %s', (code) => {
    expect(fields({ ...component, translations: { [code]: { title: 'T' } } })).toEqual([]);
  });

  it.each(['xx', 'qq', 'DE', 'De', 'deu', 'ger', 'd', 'de-DE', 'de_AT', ''])('refuse %j as a language code, naming it', (code) => {
    expect(fields({ ...component, translations: { [code]: { title: 'T' } } })).toEqual([`translations.${code}`]);
  });

  it('need a title in each language', () => {
    expect(fields({ ...component, translations: { de: { description: 'Nur eine Beschreibung.' } } })).toEqual(['translations.de.title']);
  });

  it('check each value as its primary field: the same length limits', () => {
    const tooLong = { title: 'T'.repeat(301), description: 'D'.repeat(5001), learningOutcomes: ['L'.repeat(1001)] };
    expect(fields({ ...component, title: 'T'.repeat(300), translations: { de: { title: 'T'.repeat(300), description: 'D'.repeat(5000), learningOutcomes: ['L'.repeat(1000)] } } })).toEqual([]);
    expect(fields({ ...component, translations: { de: tooLong } })).toEqual(['translations.de.title', 'translations.de.description', 'translations.de.learningOutcomes.0']);
  });

  it('check each value as its primary field: blank texts and the count of learning outcomes', () => {
    expect(fields({ ...component, translations: { de: { title: '   ' } } })).toEqual(['translations.de.title']);
    expect(fields({ ...component, translations: { de: { title: 'T', learningOutcomes: [] } } })).toEqual(['translations.de.learningOutcomes']);
    expect(fields({ ...component, translations: { de: { title: 'T', learningOutcomes: Array.from({ length: 30 }, (_, i) => `L${i}`) } } })).toEqual([]);
    expect(fields({ ...component, translations: { de: { title: 'T', learningOutcomes: Array.from({ length: 31 }, (_, i) => `L${i}`) } } })).toEqual(['translations.de.learningOutcomes']);
  });

  it('refuse fields a translation does not have, by their path', () => {
    expect(fields({ ...component, translations: { de: { title: 'T', ects: 5 } } })).toEqual(['translations.de.ects']);
  });

  it(`take ${MAX_TRANSLATIONS} languages and refuse one more`, () => {
    const codes = ['bg', 'cs', 'da', 'de', 'el', 'es', 'et', 'fi', 'fr', 'ga', 'hr', 'hu', 'it', 'lt', 'lv', 'mt', 'nl', 'pl', 'pt', 'ro', 'sk', 'sl', 'sv', 'uk', 'no'];
    const of = (list: string[]) => Object.fromEntries(list.map((code) => [code, { title: `T ${code}` }]));
    expect(fields({ ...component, translations: of(codes.slice(0, MAX_TRANSLATIONS)) })).toEqual([]);
    expect(fields({ ...component, translations: of(codes.slice(0, MAX_TRANSLATIONS + 1)) })).toEqual(['translations']);
  });

  it('refuse an empty object and anything that is not one', () => {
    expect(fields({ ...component, translations: {} })).toEqual(['translations']);
    expect(fields({ ...component, translations: [{ title: 'T' }] })).toEqual(['translations']);
    expect(fields({ ...component, translations: { de: 'Maschinelles Lernen' } })).toEqual(['translations.de']);
  });

  it('of a badge hold its own text fields: name, and optionally description and criteria, limited as the badge is', () => {
    const badge = { name: 'Peer Mentor', description: 'Mentoring.', category: 'social-engagement', criteria: 'Twelve sessions' };
    const badgeFields = (translations: unknown) => {
      const result = badgeBodySchema.safeParse({ ...badge, translations });
      return result.success ? [] : fieldIssues(result.error).map((issue) => issue.field);
    };
    expect(badgeFields({ de: { name: 'Peer-Mentoring', description: 'Mentoring.', criteria: 'Zwölf Termine' } })).toEqual([]);
    expect(badgeFields({ de: { title: 'Peer-Mentoring' } })).toEqual(['translations.de.name', 'translations.de.title']);
    expect(badgeFields({ de: { name: 'P', criteria: 'C'.repeat(5001) }, XX: { name: 'P' } })).toEqual(['translations.de.criteria', 'translations.XX']);
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
