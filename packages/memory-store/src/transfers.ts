import type { Change, Page, RecognisedComponentRecord, RecognitionRecord, TransferRecord, TransferRepository } from '@cx/domain';
import { Items } from './items.js';
import { inOrder, page } from './pages.js';
import type { UnitOfWork } from './unit-of-work.js';

export class MemoryTransfers implements TransferRepository {
  private readonly items = new Items<TransferRecord>();
  /** Keyed `institution/credentialId`. */
  private readonly recognitions = new Items<RecognitionRecord>();
  /** Requests counted per `scope/client/window`. */
  private readonly windows = new Map<string, number>();

  constructor(private readonly unit: UnitOfWork) {}

  async get(id: string): Promise<TransferRecord | undefined> {
    return this.items.get(id);
  }

  put(record: TransferRecord, previousRevision?: number): Change {
    const copy = structuredClone(record);
    return this.unit.change(
      'transfer',
      `transfer/${record.id}`,
      () => (previousRevision === undefined ? !this.items.has(record.id) : this.items.peek(record.id)?.revision === previousRevision),
      () => this.items.set(record.id, copy),
    );
  }

  async list(institution: string, status: string | undefined, limit: number, cursor?: string): Promise<Page<TransferRecord>> {
    const listed = this.items.values().filter((transfer) => transfer.institution === institution && (!status || transfer.status === status));
    const listing = `transfers/${institution}/${status || ''}`;
    return page(listing, listed.map((item) => ({ sortKey: `${item.createdAt}#${item.id}`, item })), limit, cursor, { newestFirst: true });
  }

  async listByStudent(emailHash: string, limit: number, cursor?: string): Promise<Page<TransferRecord>> {
    const listed = this.items.values().filter((transfer) => transfer.studentEmailHash === emailHash);
    return page(`transfers-of/${emailHash}`, listed.map((item) => ({ sortKey: `${item.createdAt}#${item.id}`, item })), limit, cursor, { newestFirst: true });
  }

  async recognition(institution: string, credentialId: string): Promise<RecognitionRecord | undefined> {
    return this.recognitions.get(`${institution}/${credentialId}`);
  }

  recognise(record: RecognitionRecord): Change {
    const key = `${record.institution}/${record.credentialId}`;
    const copy = structuredClone(record);
    return this.unit.change('recognition', `recognition/${key}`, () => !this.recognitions.has(key), () => this.recognitions.set(key, copy));
  }

  async recognitionsOf(institution: string, student: { email?: string; emailHash?: string; did?: string }): Promise<RecognisedComponentRecord[]> {
    const ofInstitution = this.recognitions.valuesUnder(`${institution}/`);
    const sorted = (records: RecognitionRecord[]) => inOrder(records.map((item) => ({ sortKey: `${item.at}#${item.credentialId}`, item })));
    const byEmail = student.emailHash ? sorted(ofInstitution.filter((record) => record.emailHash === student.emailHash)) : [];
    const byDid = student.did ? sorted(ofInstitution.filter((record) => record.did === student.did)) : [];
    const found = new Map<string, RecognisedComponentRecord>();
    for (const record of [...byEmail, ...byDid]) {
      // only components stack; other recognised credentials count for their ECTS in the transfer alone
      if (record.component) found.set(record.credentialId, record as RecognisedComponentRecord);
    }
    return [...found.values()];
  }

  async withinRate(scope: string, client: string, limit: number, windowSeconds: number, now: Date): Promise<boolean> {
    const window = Math.floor(now.getTime() / 1000 / windowSeconds);
    const key = `${scope}/${client}/${window}`;
    const count = (this.windows.get(key) ?? 0) + 1;
    this.windows.set(key, count);
    return count <= limit;
  }
}
