/** Which index serves which search: every search is a Query on an index partition that entities.ts declares. */
import { describe, expect, it } from 'vitest';
import { planSearch } from './catalogue.js';

const active = { status: 'active' } as const;

describe('planSearch', () => {
  it('serves a detailed field and a level from the field index, with nothing left to filter', () => {
    const plan = planSearch('component', { ...active, field: '0613', eqfLevel: 6 });
    expect(plan).toMatchObject({ index: 'gsi2', partition: 'COMPFIELD#active#06', sortPrefix: '0613#6#' });
    expect(plan.residual).toMatchObject({ field: undefined, eqfLevel: undefined });
  });

  it('serves a narrow field by sort-key prefix and filters the level', () => {
    const plan = planSearch('component', { ...active, field: '061', eqfLevel: 6 });
    expect(plan).toMatchObject({ index: 'gsi2', partition: 'COMPFIELD#active#06', sortPrefix: '061' });
    expect(plan.residual).toMatchObject({ field: undefined, eqfLevel: 6 });
  });

  it('serves a broad field as a whole partition', () => {
    const plan = planSearch('component', { ...active, field: '06' });
    expect(plan).toMatchObject({ index: 'gsi2', partition: 'COMPFIELD#active#06' });
    expect(plan.sortPrefix).toBeUndefined();
  });

  it('serves an institution by sort-key prefix of the list of all entries', () => {
    const plan = planSearch('component', { ...active, institution: 'uni-a', language: 'en' });
    expect(plan).toMatchObject({ index: 'gsi1', partition: 'COMPS#active', sortPrefix: 'uni-a#' });
    expect(plan.residual).toMatchObject({ institution: undefined, language: 'en' });
  });

  it('serves a level from the level index', () => {
    expect(planSearch('component', { ...active, eqfLevel: 7 })).toMatchObject({ index: 'gsi3', partition: 'COMPLEVEL#active#7' });
    expect(planSearch('micro-degree', { ...active, eqfLevel: 7 })).toMatchObject({ index: 'gsi3', partition: 'MDLEVEL#active#7' });
  });

  it('serves a badge category, and an institution within it, from the category index', () => {
    const plan = planSearch('badge', { ...active, category: 'digital-skills', institution: 'uni-a' });
    expect(plan).toMatchObject({ index: 'gsi2', partition: 'BADGECAT#active#digital-skills', sortPrefix: 'uni-a#' });
    expect(plan.residual).toMatchObject({ category: undefined, institution: undefined });
  });

  it('reads the whole list of a kind when only unindexed filters are given', () => {
    const plan = planSearch('component', { ...active, words: ['python'], minEcts: 5 });
    expect(plan).toMatchObject({ index: 'gsi1', partition: 'COMPS#active' });
    expect(plan.sortPrefix).toBeUndefined();
    expect(plan.residual).toMatchObject({ words: ['python'], minEcts: 5 });
  });

  it('reads withdrawn entries from their own partitions', () => {
    expect(planSearch('component', { status: 'withdrawn', field: '0613' }).partition).toBe('COMPFIELD#withdrawn#06');
    expect(planSearch('badge', { status: 'withdrawn' }).partition).toBe('BADGES#withdrawn');
  });
});
