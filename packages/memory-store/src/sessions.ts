/**
 * Sign-in links and sessions. Expired ones are not removed here: DynamoDB's TTL deletes
 * late and reads still return them until it does, so callers judge `expiresAt`.
 */
import type { SessionRecord, SessionRepository, SignInRecord } from '@cx/domain';
import { Items } from './items.js';

export class MemorySessions implements SessionRepository {
  /** Keyed by token hash. */
  private readonly signIns = new Items<SignInRecord>();
  /** Keyed by id hash. */
  private readonly items = new Items<SessionRecord>();

  async createSignIn(record: SignInRecord): Promise<void> {
    this.signIns.set(record.tokenHash, record);
  }

  async consumeSignIn(tokenHash: string): Promise<SignInRecord | undefined> {
    // no await between the read and the delete: one caller alone gets the record
    const record = this.signIns.get(tokenHash);
    this.signIns.delete(tokenHash);
    return record;
  }

  async create(record: SessionRecord): Promise<void> {
    this.items.set(record.idHash, record);
  }

  async get(idHash: string): Promise<SessionRecord | undefined> {
    return this.items.get(idHash);
  }

  async end(idHash: string): Promise<void> {
    this.items.delete(idHash);
  }

  async endAll(emailHash: string): Promise<number> {
    const ended = this.items.values().filter((session) => session.emailHash === emailHash);
    for (const session of ended) this.items.delete(session.idHash);
    return ended.length;
  }
}
