/** Changes are opaque to core; only the table whose repository made one can write it. */
import { describe, expect, it } from 'vitest';
import { TableChange, transactItems } from './table-change.js';

const put = (tableName: string) => new TableChange('setting', { Put: { TableName: tableName, Item: { pk: 'CONSORTIUM', sk: 'x' } } });

describe('transactItems', () => {
  it('unwraps the changes made for the table, in order', () => {
    const first = put('exchange');
    const second = new TableChange('setting', { Delete: { TableName: 'exchange', Key: { pk: 'CONSORTIUM', sk: 'y' } } });
    expect(transactItems('exchange', [first, second])).toEqual([first.item, second.item]);
  });

  it('refuses a change of another persistence with a TypeError naming it', () => {
    expect(() => transactItems('exchange', [put('exchange'), { entity: 'credential' }])).toThrow(new TypeError('change 1 (credential) was not made by a repository of table exchange'));
  });

  it('refuses a change made for another table', () => {
    expect(() => transactItems('exchange', [put('other')])).toThrow(TypeError);
  });
});
