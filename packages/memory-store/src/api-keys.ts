import type { ApiKeyRecord, ApiKeyRepository, Change, KeyOwner, Page } from '@cx/domain';
import { Items } from './items.js';
import { inOrder, page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

type Listed = Omit<ApiKeyRecord, 'secretHash'>;

const ownerName = (owner: KeyOwner): string => (owner.kind === 'admin' ? '-admin' : owner.institutionId);

export class MemoryApiKeys implements ApiKeyRepository {
  private readonly items = new Items<ApiKeyRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  create(record: Omit<ApiKeyRecord, 'status'>): Change {
    const stored: ApiKeyRecord = { ...structuredClone(record), status: 'active' };
    return this.unit.change('api-key', `api-key/${record.keyId}`, () => !this.items.has(record.keyId), () => this.items.set(record.keyId, stored));
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    return this.items.get(keyId);
  }

  async list(owner: KeyOwner, limit: number, cursor?: string): Promise<Page<Listed>> {
    return page(`api-keys/${ownerName(owner)}`, this.keysOf(owner), limit, cursor);
  }

  async activeIds(owner: KeyOwner): Promise<string[]> {
    return inOrder(this.keysOf(owner))
      .filter((key) => key.status === 'active')
      .map((key) => key.keyId);
  }

  revoke(owner: KeyOwner, keyId: string, at: string): Change {
    return this.unit.change(
      'api-key',
      `api-key/${keyId}`,
      () => {
        const key = this.items.peek(keyId);
        return key !== undefined && ownerName(key.owner) === ownerName(owner) && key.status === 'active';
      },
      () => this.items.set(keyId, { ...this.items.peek(keyId)!, status: 'revoked', revokedAt: at }),
    );
  }

  private keysOf(owner: KeyOwner) {
    return this.items
      .values()
      .filter((key) => ownerName(key.owner) === ownerName(owner))
      .map(({ secretHash: _hidden, ...item }) => ({ sortKey: item.keyId, item }));
  }
}
