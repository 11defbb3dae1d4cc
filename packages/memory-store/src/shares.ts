import type { Change, Page, ShareRecord, ShareRepository } from '@cx/domain';
import { Items } from './items.js';
import { page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryShares implements ShareRepository {
  private readonly items = new Items<ShareRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  create(record: ShareRecord): Change {
    const copy = structuredClone(record);
    return this.unit.change('share', `share/${record.id}`, () => !this.items.has(record.id), () => this.items.set(record.id, copy));
  }

  async get(id: string): Promise<ShareRecord | undefined> {
    return this.items.get(id);
  }

  withdraw(id: string, emailHash: string, at: string): Change {
    return this.unit.change(
      'share',
      `share/${id}`,
      () => {
        const share = this.items.peek(id);
        return share !== undefined && share.emailHash === emailHash && share.withdrawnAt === undefined;
      },
      () => this.items.set(id, { ...this.items.peek(id)!, withdrawnAt: at }),
    );
  }

  async listBy(emailHash: string, limit: number, cursor?: string): Promise<Page<ShareRecord>> {
    const shares = this.items.values().filter((share) => share.emailHash === emailHash);
    return page(`shares-by/${emailHash}`, shares.map((item) => ({ sortKey: `${item.createdAt}#${item.id}`, item })), limit, cursor, { newestFirst: true });
  }
}
