/**
 * Wallet grants, keyed by kind and hash. Expired ones are not removed here: DynamoDB's TTL
 * deletes late and reads still return them until it does, so callers judge `expiresAt`.
 */
import type { Change, GrantKind, GrantOf, GrantRecord, GrantRepository } from '@cx/domain';
import { Items } from './items.js';
import type { UnitOfWork } from './unit-of-work.js';

/** Grants are filed under their kind, so a grant read under `kind` is of that kind. */
const ofKind = <K extends GrantKind>(record: GrantRecord) => record as GrantOf<K>;

export class MemoryGrants implements GrantRepository {
  /** Keyed `kind/hash`. */
  private readonly items = new Items<GrantRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  create(record: GrantRecord): Change {
    const key = `${record.kind}/${record.hash}`;
    const copy = structuredClone(record);
    return this.unit.change('grant', `grant/${key}`, () => !this.items.has(key), () => this.items.set(key, copy));
  }

  async get<K extends GrantKind>(kind: K, hash: string): Promise<GrantOf<K> | undefined> {
    const record = this.items.get(`${kind}/${hash}`);
    return record && ofKind<K>(record);
  }

  async consume<K extends GrantKind>(kind: K, hash: string): Promise<GrantOf<K> | undefined> {
    // no await between the read and the delete: one caller alone gets the record
    const record = this.items.get(`${kind}/${hash}`);
    this.items.delete(`${kind}/${hash}`);
    return record && ofKind<K>(record);
  }
}
