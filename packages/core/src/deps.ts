/** What core's services are built from: ports only, so core never sees DynamoDB, KMS or SQS. */
import type { Clock, JobQueue, KeyVault, Log, Mailer, Persistence } from '@cx/domain';
import type { BatchChunkMessage } from './batch-runner.js';
import type { NoticeMessage } from './delivery/notice-message.js';

/**
 * The adapters every service runs over. The Lambda and local runtimes (`@cx/runtime`'s
 * ExchangeDeps) pass theirs; unit tests pass the in-memory persistence and a fake clock.
 */
export interface CoreDeps {
  /** The persistence port: DynamoDB in AWS and locally, in memory in unit tests. */
  store: Persistence;
  keyVault: KeyVault;
  /** Base URL the exchange is reached at; DIDs and credential links are built from it. */
  publicUrl: string;
  /** The consortium's short name; tags every signing key so IAM can scope signing to it. */
  consortium: string;
  clock?: Clock;
  /** Where graduation-run chunks go (SQS in AWS); an in-process queue running the worker when absent. */
  batchQueue?: JobQueue<BatchChunkMessage>;
  /** Where rendered notices go to be sent (SQS in AWS); an in-process queue running the notice sender when absent. */
  noticeQueue?: JobQueue<NoticeMessage>;
  /** Sends the notices of the in-process queue (`.eml` files locally); a MemoryMailer keeping them when absent. */
  mailer?: Mailer;
  /** Notices sent per second by this process at most (`CX_MAIL_RATE`, default 14). */
  mailRate?: number;
  /** How many days a claim link works (`CX_CLAIM_DAYS`, default 30). */
  claimDays?: number;
  /** Where the services log (Powertools Logger from the Lambda and local runtimes); the console when absent. */
  log?: Log;
}
