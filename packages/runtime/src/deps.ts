import type { Clock, JobQueue, KeyVault, Log, Mailer } from '@cx/domain';
import type { Store } from '@cx/store';

/** What every function app is built from. The Lambda and local runtimes differ only in these adapters. */
export interface ExchangeDeps {
  store: Store;
  keyVault: KeyVault;
  /** Base URL the exchange is reached at; DIDs and credential links are built from it. */
  publicUrl: string;
  /** The consortium's short name (KMS tags, key aliases). */
  consortium: string;
  /** SHA-256 (hex) of an operator-supplied admin token, if any. */
  adminTokenHash?: string;
  clock?: Clock;
  /** Where graduation-run chunks go (SQS in AWS); in-process when absent. */
  batchQueue?: JobQueue<any>;
  /** Where the exchange logs: Powertools Logger (`createLog`) in Lambda and locally; the console when absent (tests). */
  log?: Log;
  /** Sends notices to students: Amazon SES (`SesMailer`) in AWS, `.eml` files in the outbox locally; kept in memory (a MemoryMailer) when absent. */
  mailer?: Mailer;
  /** Where notices go on their way to the mailer (SQS in AWS); in-process when absent. */
  noticeQueue?: JobQueue<any>;
  /** Notices per second this process may send in all (`CX_MAIL_RATE`; 14, SES's usual production rate, when absent). */
  mailRate?: number;
  /** How many days a claim link works (`CX_CLAIM_DAYS`; 30 when absent). */
  claimDays?: number;
}
