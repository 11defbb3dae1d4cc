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
});

describe('catalogueItemsFromCsv', () => {
  it('refuses a file without a code column', () => {
    expect(() => catalogueItemsFromCsv(parseCsv('title\nX\n', 'x.csv'), 'x.csv')).toThrow('x.csv: the header has no code column');
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
