/**
 * The DynamoDB form of the port's {@link Change}: one write of a transaction, made by a
 * repository and written by `Store.commit` (or a repository's own transaction) with others.
 * Core only passes these around; only the table they were made for can write them.
 */
import type { Change } from '@cx/domain';
import type { TransactItem } from './table.js';

/** A conditional write on the exchange's table, not yet sent. */
export class TableChange implements Change {
  readonly item: TransactItem;

  constructor(
    /** The entity written (a definition name of entities.ts), for messages. */
    readonly entity: string,
    item: TransactItem,
  ) {
    // a copy: the change writes the record as it was when it was made, whatever the caller changes later
    this.item = structuredClone(item);
  }
}

/**
 * The transaction items of `changes`, all of which must have been made for the table
 * `tableName`. A change from another persistence (the in-memory one, or a store over
 * another table) is a programming error, not a conflict: it throws a TypeError.
 */
export function transactItems(tableName: string, changes: Change[]): TransactItem[] {
  return changes.map((change, index) => {
    if (!(change instanceof TableChange) || tableOf(change.item) !== tableName) {
      throw new TypeError(`change ${index} (${change.entity}) was not made by a repository of table ${tableName}`);
    }
    return change.item;
  });
}

function tableOf(item: TransactItem): string | undefined {
  return (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck)?.TableName;
}
