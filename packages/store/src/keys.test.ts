/**
 * Keys come from the entity declarations, and the key table documented in keys.ts is
 * those declarations: this test fails when either changes without the other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entities } from './entities.js';
import { defineEntity, type EntityDefinition, type EntityModel } from './keys.js';
import { GSI_NAMES } from './table-definition.js';

const definitions: Array<EntityDefinition<EntityModel>> = Object.values(entities);

/** The key table's rows, built from the declarations: the items, then what each index serves. */
function keyTableRows(): string[][] {
  const items = definitions.map(({ name, model }) => [name, model.entity ?? '—', String(model.schemaVersion ?? '—'), model.pk, model.sk]);
  const indexes = GSI_NAMES.flatMap((gsi) =>
    definitions.flatMap(({ name, model }) => {
      const index = model.indexes?.[gsi];
      return index ? [[gsi, name, index.pk, index.sk, index.purpose]] : [];
    }),
  );
  return [['name', 'entity', 'v', 'pk', 'sk'], ...items, ['index', 'name', 'pk', 'sk', 'for'], ...indexes];
}

/** The rows of the markdown tables in the TSDoc that opens keys.ts (separator rows left out). */
function documentedRows(): string[][] {
  const source = readFileSync(new URL('./keys.ts', import.meta.url), 'utf8');
  const doc = source.slice(0, source.indexOf('*/'));
  return doc
    .split('\n')
    .filter((line) => line.startsWith(' * |') && !/^ \* \|[-| ]+\|$/.test(line))
    .map((line) => line.slice(' * |'.length, line.lastIndexOf('|')).split('|').map((cell) => cell.trim()));
}

describe('the key table in keys.ts', () => {
  it('says what the entity declarations say', () => {
    expect(documentedRows()).toEqual(keyTableRows());
  });
});

describe('the entity declarations', () => {
  it('give every definition its own name', () => {
    const names = definitions.map((definition) => definition.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('never give two entities the same key shape', () => {
    // a literal pk and sk (placeholders blanked) that two entities share would let their items collide
    const shapes = definitions.map(({ model }) => `${model.pk}|${model.sk}`.replace(/<[^>]+>/g, '*'));
    expect(new Set(shapes).size).toBe(shapes.length);
  });
});

describe('defineEntity', () => {
  const entity = defineEntity('example', {
    entity: 'example',
    schemaVersion: 3,
    pk: 'EX#<institution>#<id>',
    sk: 'V#<version:6>',
    indexes: { gsi2: { pk: 'EXS#<status>', sk: '<institution>#<id>', purpose: 'by status' } },
  });

  it('fills a key from a record, padding numbers that must sort as text', () => {
    expect(entity.key({ institution: 'uni-a', id: 'x', version: 12 })).toEqual({ pk: 'EX#uni-a#x', sk: 'V#000012' });
  });

  it('names the index attributes after the index', () => {
    expect(entity.index('gsi2', { status: 'active', institution: 'uni-a', id: 'x' })).toEqual({ gsi2pk: 'EXS#active', gsi2sk: 'uni-a#x' });
  });

  it('builds sort-key prefixes up to the first value not given', () => {
    expect(entity.sortPrefix({})).toBe('V#');
    expect(entity.indexSortPrefix('gsi2', { institution: 'uni-a' })).toBe('uni-a#');
  });

  it('carries the entity and schema version every item is stamped with', () => {
    expect(entity.metadata).toEqual({ entity: 'example', schemaVersion: 3 });
  });

  it('refuses to build a key with a value missing', () => {
    const partial: Record<string, string> = { institution: 'uni-a' };
    expect(() => entity.partition(partial as { institution: string; id: string })).toThrow(TypeError);
  });
});
