/** The exchange's credential services, built once per process from its dependencies. */
import type { DocumentLoader } from '@cx/credentials';
import { systemClock, type JobQueue, type Mailer } from '@cx/domain';
import { BatchRunner, giveUpReason, InProcessQueue, type BatchChunkMessage } from './batch-runner.js';
import type { CoreDeps } from './deps.js';
import { MemoryMailer } from './delivery/memory-mailer.js';
import type { NoticeMessage } from './delivery/notice-message.js';
import { NoticeSender } from './delivery/notice-sender.js';
import { NoticeService, sendFailureReason } from './delivery/notices.js';
import { SendPace } from './delivery/send-pace.js';
import { StudentService } from './delivery/student-service.js';
import { exchangeDocumentLoader } from './document-loader.js';
import { Idempotency } from './idempotency.js';
import { CredentialIssuer, type IssuerDeps } from './issuer.js';
import { StatusService } from './status-service.js';
import { CredentialVerifier } from './verifier.js';
import { AgreementService } from './agreements.js';
import { TransferService } from './transfers.js';
import { HolderCopies } from './wallet/holder-copies.js';
import { Oid4vciService } from './wallet/oid4vci.js';
import { VcApiExchanges } from './wallet/vcapi-exchanges.js';

export interface CredentialServices {
  documentLoader: DocumentLoader;
  status: StatusService;
  issuer: CredentialIssuer;
  verifier: CredentialVerifier;
  batches: BatchRunner;
  agreements: AgreementService;
  transfers: TransferService;
  /** Claim and sign-in notices: made, resent, listed, swept. */
  notices: NoticeService;
  /** What a student does with what they hold (the pages' StudentDesk). */
  student: StudentService;
  /** The notice queue's consumer: the in-process queue's handler, the SQS function's in AWS. */
  noticeSender: NoticeSender;
  noticeQueue: JobQueue<NoticeMessage>;
  /** The mailer the notice sender sends with (tests read `MemoryMailer.messages`). */
  mailer: Mailer;
  /** Credentials re-issued to the DID a wallet proved (both wallet protocols). */
  holderCopies: HolderCopies;
  /** VC API exchanges with wallets: a claim's credential into one, credentials out of one into a transfer. */
  vcApiExchanges: VcApiExchanges;
  /** OpenID4VCI (pre-authorized code): each institution a credential issuer; the claim page's credential offers. */
  oid4vci: Oid4vciService;
}

export interface ServiceOptions {
  /** Settings of the in-process queue used when the deps have no `batchQueue` (tests make it quick). */
  inProcessQueue?: { concurrency?: number; maxAttempts?: number; retryDelayMs?: number };
  recognisedComponents?: IssuerDeps['recognisedComponents'];
  /** Keyless transfer submissions allowed per client address per minute. */
  anonymousTransfersPerMinute?: number;
}

/**
 * Builds the services once per process. The batch and notice queues are the deps' (SQS in
 * AWS); without them, in-process queues run the chunk worker and the notice sender in this
 * process.
 *
 * @example
 * const services = credentialServices(deps);
 */
export function credentialServices(deps: CoreDeps, options: ServiceOptions = {}): CredentialServices {
  const clock = deps.clock ?? systemClock;
  const documentLoader = exchangeDocumentLoader(deps);
  const base = { store: deps.store, keyVault: deps.keyVault, publicUrl: deps.publicUrl, documentLoader, clock };
  const status = new StatusService(base);
  const idempotency = new Idempotency({ store: deps.store, clock });
  const log = deps.log;
  const mailer = deps.mailer ?? new MemoryMailer();
  const noticeSender = new NoticeSender({ store: deps.store, mailer, clock, pace: new SendPace(deps.mailRate ?? 14), log });
  // locally, a notice that keeps failing is given up (marked failed) as the dead-letter consumer does in AWS
  const noticeQueue =
    deps.noticeQueue ??
    new InProcessQueue<NoticeMessage>((message) => noticeSender.process(message), {
      concurrency: 2,
      onGiveUp: (message, error, attempts) => noticeSender.giveUp(message, sendFailureReason(error, attempts)),
      log,
    });
  const notices = new NoticeService({ store: deps.store, clock, publicUrl: deps.publicUrl, queue: noticeQueue, idempotency, claimDays: deps.claimDays, log });
  const issuer = new CredentialIssuer({ ...base, status, idempotency, notices, recognisedComponents: options.recognisedComponents });
  const verifier = new CredentialVerifier(base);
  let batches: BatchRunner;
  // locally, a chunk that keeps failing is given up as the dead-letter consumer does in AWS
  const queue =
    deps.batchQueue ??
    new InProcessQueue<BatchChunkMessage>((message) => batches.processChunk(message), {
      ...options.inProcessQueue,
      onGiveUp: (message, error, attempts) => batches.failChunk(message, giveUpReason(error, attempts)),
      log: deps.log,
    });
  batches = new BatchRunner({ store: deps.store, issuer, idempotency, clock, queue, notices, status });
  const agreements = new AgreementService({ store: deps.store, clock });
  const transfers = new TransferService({ ...base, verifier, anonymousPerMinute: options.anonymousTransfersPerMinute });
  const student = new StudentService({ store: deps.store, clock, notices });
  const holderCopies = new HolderCopies({ ...base, store: deps.store });
  const oid4vci = new Oid4vciService({ store: deps.store, publicUrl: deps.publicUrl, clock, copies: holderCopies });
  const vcApiExchanges = new VcApiExchanges({ store: deps.store, clock, publicUrl: deps.publicUrl, holderCopies, transfers, oid4vci });
  return { documentLoader, status, issuer, verifier, batches, agreements, transfers, notices, student, noticeSender, noticeQueue, mailer, holderCopies, vcApiExchanges, oid4vci };
}
