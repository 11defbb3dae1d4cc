/**
 * The unit of work: conditional writes described as changes, and a commit that checks
 * every change's condition before it applies any, so a commit writes all or nothing, as a
 * DynamoDB transaction does (with the same limits: at most 100 changes, one per item).
 */
import { ConflictError, type Change, type OnConflict } from '@cx/domain';

/** Changes one DynamoDB transaction takes at most. */
const MAX_CHANGES = 100;

/** A change of this persistence: which item it writes, its condition and its write. */
class MemoryChange implements Change {
  constructor(
    readonly entity: string,
    readonly item: string,
    readonly holds: () => boolean,
    readonly apply: () => void,
    readonly unit: UnitOfWork,
  ) {}
}

export class UnitOfWork {
  /**
   * Describes a write of `item` (a key unique across every repository) that happens only
   * if `holds()` is true when it is committed.
   */
  change(entity: string, item: string, holds: () => boolean, apply: () => void): Change {
    return new MemoryChange(entity, item, holds, apply, this);
  }

  /** Writes every change or none; see Persistence.commit. */
  async commit(changes: Change[], onConflict?: OnConflict): Promise<void> {
    // no await in here: no other call runs between the checks and the writes
    const own = changes.map((change) => {
      if (!(change instanceof MemoryChange) || change.unit !== this) throw new TypeError(`a ${change.entity} change from another persistence cannot be committed here`);
      return change;
    });
    if (own.length > MAX_CHANGES) throw new RangeError(`a commit takes at most ${MAX_CHANGES} changes, not ${own.length}`);
    const items = new Set<string>();
    for (const change of own) {
      if (items.has(change.item)) throw new RangeError(`a commit may change ${change.item} only once`);
      items.add(change.item);
    }
    const failed = own.findIndex((change) => !change.holds());
    if (failed >= 0) throw onConflict?.(failed) ?? new ConflictError('the item changed while this request was being processed; retry');
    for (const change of own) change.apply();
  }
}
