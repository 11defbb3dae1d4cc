import { describe, expect, it } from 'vitest';
import { matchColumns, parseCsv } from './csv.js';
import { CliError } from './errors.js';

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks', () => {
    const table = parseCsv('code,title\nA,"Data, and ""numbers"""\nB,"two\nlines"\n', 'x.csv');

    expect(table.records.map((r) => r.cells)).toEqual([
      { code: 'A', title: 'Data, and "numbers"' },
      { code: 'B', title: 'two\nlines' },
    ]);
  });

  it('numbers each record by the line it starts on, past blank lines and cells spanning lines', () => {
    const table = parseCsv('code,title\nA,"one\ntwo"\n\nB,three\nC,four\n', 'x.csv');

    expect(table.records.map((r) => [r.cells.code, r.row])).toEqual([
      ['A', 2],
      ['B', 5],
      ['C', 6],
    ]);
  });

  it('reads a spreadsheet export with a byte order mark and CRLF line ends', () => {
    const table = parseCsv(Buffer.from('\ufeffcode,title\r\nA,x\r\nB,y\r\n', 'utf8'), 'x.csv');

    expect(table.columns).toEqual(['code', 'title']);
    expect(table.records.map((r) => [r.row, r.cells.code, r.cells.title])).toEqual([
      [2, 'A', 'x'],
      [3, 'B', 'y'],
    ]);
  });

  it('trims the cells and the column names', () => {
    const table = parseCsv(' code , title \n  A ,  x y  \n', 'x.csv');

    expect(table.records[0]!.cells).toEqual({ code: 'A', title: 'x y' });
  });

  it('refuses an unclosed quote, naming the file', () => {
    expect(() => parseCsv('code,title\nA,"never closed\n', 'bad.csv')).toThrow(/^bad\.csv is not a valid CSV file/);
  });

  it('refuses a row with more cells than the header has columns', () => {
    expect(() => parseCsv('code,title\nA,x,extra\n', 'bad.csv')).toThrow(CliError);
  });

  it('refuses an empty file', () => {
    expect(() => parseCsv('', 'empty.csv')).toThrow('empty.csv is empty');
  });
});

describe('matchColumns', () => {
  const known = ['code', 'learningOutcomes', 'eqfLevel'] as const;

  it('matches header names ignoring case, spaces, hyphens and underscores', () => {
    const found = matchColumns(['Code', 'Learning outcomes', 'EQF_level'], known, 'x.csv');

    expect([...found]).toEqual([
      ['code', 'Code'],
      ['learningOutcomes', 'Learning outcomes'],
      ['eqfLevel', 'EQF_level'],
    ]);
  });

  it('refuses an unknown column, listing the known ones', () => {
    expect(() => matchColumns(['code', 'credits'], known, 'x.csv')).toThrow('x.csv: unknown column "credits" in the header; the columns are: code, learningOutcomes, eqfLevel');
  });

  it('refuses a column given twice', () => {
    expect(() => matchColumns(['code', 'Code'], known, 'x.csv')).toThrow(/the column code appears twice/);
  });
});
