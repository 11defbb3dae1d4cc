import { readFileSync } from 'node:fs';
import { componentBatchItemSchema } from '@cx/domain';
import { describe, expect, it } from 'vitest';
import { catalogueItemsFromCsv, componentFromCells, itemsFromJson, numberCell } from './catalogue-rows.js';
import { parseCsv } from './csv.js';

describe('componentFromCells', () => {
  it('builds the batch item from the columns, lists split on |', () => {
    const item = componentFromCells({
      code: 'DS-101',
      title: 'Foundations of Data Science',
      description: 'Data and inference.',
      learningOutcomes: 'Describe a data set | Choose a test|',
      ects: '5',
      eqfLevel: '6',
      iscedField: '0542',
      languages: 'EN|nl',
      assessmentType: 'written-exam',
      supervision: 'supervised-id-check',
      participation: 'blended',
      qualityAssurance: 'Internal QA',
      stackableTowards: 'uni-b/MD-1|uni-c/MD-2',
      url: 'https://www.example.edu/DS-101',
      validFrom: '2026-02-01',
    });

    expect(item).toEqual({
      code: 'DS-101',
      title: 'Foundations of Data Science',
      description: 'Data and inference.',
      learningOutcomes: ['Describe a data set', 'Choose a test'],
      ects: 5,
      eqfLevel: 6,
      iscedField: '0542',
      languages: ['en', 'nl'],
      assessment: { type: 'written-exam', supervision: 'supervised-id-check' },
      participation: 'blended',
      qualityAssurance: 'Internal QA',
      stackableTowards: [
        { institution: 'uni-b', code: 'MD-1' },
        { institution: 'uni-c', code: 'MD-2' },
      ],
      url: 'https://www.example.edu/DS-101',
      validFrom: '2026-02-01',
    });
  });

  it('leaves out the fields of empty cells, so that the exchange names the required ones', () => {
    expect(componentFromCells({ code: 'X-1', title: '', prerequisites: '  ', validUntil: '' })).toEqual({ code: 'X-1' });
  });

  it('keeps an assessment with only one of its two columns filled', () => {
    expect(componentFromCells({ code: 'X-1', assessmentType: 'project' }).assessment).toEqual({ type: 'project' });
  });
});

describe('numberCell', () => {
  it('reads a decimal comma as European spreadsheets write it', () => {
    expect(numberCell('2,5')).toBe(2.5);
  });

  it('keeps text that is not a number, for the exchange to refuse by name', () => {
    expect(numberCell('five')).toBe('five');
  });
});

describe('the example catalogue', () => {
  it('has rows that the API takes, numbered from line 2', () => {
    const source = new URL('../../../examples/catalogue.csv', import.meta.url);
    const items = catalogueItemsFromCsv(parseCsv(readFileSync(source), 'catalogue.csv'), 'catalogue.csv');

    expect(items.length).toBeGreaterThanOrEqual(10);
    expect(items[0]!.row).toBe(2);
    for (const { row, item } of items) expect(componentBatchItemSchema.safeParse(item).error, `row ${row}`).toBeUndefined();
  });

  it('carries German texts in its title@de, description@de and learningOutcomes@de columns', () => {
    const source = new URL('../../../examples/catalogue.csv', import.meta.url);
    const items = catalogueItemsFromCsv(parseCsv(readFileSync(source), 'catalogue.csv'), 'catalogue.csv').map((sourced) => sourced.item as { translations?: Record<string, { title: string; learningOutcomes?: string[] }> });

    expect(items[0]!.translations?.de).toMatchObject({ title: 'Grundlagen der Datenwissenschaft', learningOutcomes: expect.arrayContaining(['Einen Datensatz mit Kennzahlen und Grafiken beschreiben']) });
    expect(items.filter((item) => item.translations === undefined).length).toBeGreaterThan(0);
  });
});

describe('catalogueItemsFromCsv', () => {
  it('refuses a file without a code column', () => {
    expect(() => catalogueItemsFromCsv(parseCsv('title\nX\n', 'x.csv'), 'x.csv')).toThrow('x.csv: the header has no code column');
  });

  const items = (csv: string) => catalogueItemsFromCsv(parseCsv(csv, 'x.csv'), 'x.csv').map((sourced) => sourced.item as Record<string, unknown>);

  it('reads title@de, description@de and learningOutcomes@de (any language) into translations, lists split on |', () => {
    const csv = [
      'code,title,title@de,description@de,learningOutcomes@de,Title @ FR',
      'ML-1,Machine Learning,Maschinelles Lernen,"Lernen aus Daten, mit Python.",Ein Modell trainieren | Ein Modell bewerten,Apprentissage automatique',
    ].join('\n');

    expect(items(csv)[0]).toEqual({
      code: 'ML-1',
      title: 'Machine Learning',
      translations: {
        de: { title: 'Maschinelles Lernen', description: 'Lernen aus Daten, mit Python.', learningOutcomes: ['Ein Modell trainieren', 'Ein Modell bewerten'] },
        fr: { title: 'Apprentissage automatique' },
      },
    });
  });

  it('leaves out a language whose cells are empty in a row, and translations when every language is', () => {
    const csv = ['code,title,title@de,description@de,title@fr', 'A-1,A,,,Un', 'A-2,B,,,'].join('\n');
    const [first, second] = items(csv);
    expect(first!.translations).toEqual({ fr: { title: 'Un' } });
    expect(second).not.toHaveProperty('translations');
  });

  it('keeps a translation without its title, for the exchange to refuse the row by the field', () => {
    const csv = ['code,title,description@de', 'A-1,A,Nur eine Beschreibung.'].join('\n');
    const item = items(csv)[0]!;
    expect(item.translations).toEqual({ de: { description: 'Nur eine Beschreibung.' } });
    const result = componentBatchItemSchema.safeParse(item);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain('translations.de.title');
  });

  it('refuses a column whose language is not an ISO 639-1 code, naming the column', () => {
    for (const header of ['title@xx', 'title@de-AT', 'title@deu', 'title@']) {
      expect(() => items(`code,${header}\nA-1,T\n`), header).toThrow(`x.csv: the column "${header}" names`);
    }
    expect(() => items('code,title@xx\nA-1,T\n')).toThrow('not an ISO 639-1 language code');
  });

  it('takes an upper-case language code as the languages column does', () => {
    expect(items('code,title,title@DE\nA-1,A,B\n')[0]!.translations).toEqual({ de: { title: 'B' } });
  });

  it('refuses a column of another field in a language, listing the ones that take one', () => {
    expect(() => items('code,ects@de\nA-1,5\n')).toThrow('x.csv: the column "ects@de" is not one a catalogue CSV takes in other languages; those are title@<language>, description@<language>, learningOutcomes@<language>');
  });

  it('refuses the same field in the same language twice', () => {
    expect(() => items('code,title@de,Title@DE\nA-1,A,B\n')).toThrow('x.csv: the column title@de appears twice in the header ("title@de" and "Title@DE")');
  });
});

describe('itemsFromJson', () => {
  it('takes an array or an object with items, numbering items from 1', () => {
    expect(itemsFromJson([{ code: 'A' }, { code: 'B' }], 'x.json', 'components').map((i) => i.row)).toEqual([1, 2]);
    expect(itemsFromJson({ items: [{ code: 'A' }] }, 'x.json', 'components')).toEqual([{ row: 1, item: { code: 'A' } }]);
  });

  it('refuses anything else', () => {
    expect(() => itemsFromJson({ code: 'A' }, 'x.json', 'components')).toThrow('x.json must hold a JSON array of components');
  });
});
