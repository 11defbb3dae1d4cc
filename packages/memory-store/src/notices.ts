/**
 * Notices and their one state machine. Only `queued` notices are listed for the sweep, and
 * only claim notices (those naming a credential) by credential, as the DynamoDB indexes hold them.
 */
import type { Change, NoticeRecord, NoticeRepository, NoticeState, Page } from '@cx/domain';
import { Items } from './items.js';
import { compareSortKeys, inOrder, page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

type NoticeFields = Parameters<NoticeRepository['transition']>[3];

const sortKey = (notice: NoticeRecord) => `${notice.createdAt}#${notice.id}`;

export class MemoryNotices implements NoticeRepository {
  private readonly items = new Items<NoticeRecord>();

  constructor(private readonly unit: UnitOfWork) {}

  create(record: NoticeRecord): Change {
    const copy = structuredClone(record);
    return this.unit.change('notice', `notice/${record.id}`, () => !this.items.has(record.id), () => this.items.set(record.id, copy));
  }

  async get(id: string): Promise<NoticeRecord | undefined> {
    return this.items.get(id);
  }

  async transition(id: string, from: NoticeState[], to: NoticeState, fields: NoticeFields, claimedAt?: string): Promise<NoticeRecord | undefined> {
    // as in DynamoDB, where the queued index cannot be rebuilt by an update
    if (to === 'queued') throw new TypeError('a notice never returns to queued');
    const stored = this.items.peek(id);
    if (!stored || !from.includes(stored.state)) return undefined;
    if (claimedAt !== undefined && stored.claimedAt !== claimedAt) return undefined;
    const { claimedAt: _dropped, ...rest } = stored;
    this.items.set(id, { ...rest, ...fields, state: to });
    return this.items.get(id);
  }

  async queuedBefore(before: string, limit: number): Promise<NoticeRecord[]> {
    // the sort key starts with createdAt, so comparing it with `before` is DynamoDB's `sk < :before`
    const queued = this.items.values().filter((notice) => notice.state === 'queued' && compareSortKeys(sortKey(notice), before) < 0);
    return inOrder(queued.map((item) => ({ sortKey: sortKey(item), item }))).slice(0, limit);
  }

  async ofCredential(institution: string, credentialId: string, limit: number, cursor?: string): Promise<Page<NoticeRecord>> {
    const of = this.items.values().filter((notice) => notice.kind === 'claim' && notice.institution === institution && notice.credentialId === credentialId);
    return page(`notices-of/${institution}/${credentialId}`, of.map((item) => ({ sortKey: sortKey(item), item })), limit, cursor, { newestFirst: true });
  }
}
