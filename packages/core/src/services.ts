/** The exchange's credential services, built once per process from its dependencies. */
import type { DocumentLoader } from '@cx/credentials';
import { systemClock } from '@cx/domain';
import { BatchRunner, giveUpReason, InProcessQueue, type BatchChunkMessage } from './batch-runner.js';
import type { CoreDeps } from './deps.js';
import { exchangeDocumentLoader } from './document-loader.js';
import { Idempotency } from './idempotency.js';
import { CredentialIssuer, type IssuerDeps } from './issuer.js';
import { StatusService } from './status-service.js';
import { CredentialVerifier } from './verifier.js';
import { AgreementService } from './agreements.js';
import { TransferService } from './transfers.js';

export interface CredentialServices {
  documentLoader: DocumentLoader;
  status: StatusService;
  issuer: CredentialIssuer;
  verifier: CredentialVerifier;
  batches: BatchRunner;
  agreements: AgreementService;
  transfers: TransferService;
}

export interface ServiceOptions {
  /** Settings of the in-process queue used when the deps have no `batchQueue` (tests make it quick). */
  inProcessQueue?: { concurrency?: number; maxAttempts?: number; retryDelayMs?: number };
  recognisedComponents?: IssuerDeps['recognisedComponents'];
  /** Keyless transfer submissions allowed per client address per minute. */
  anonymousTransfersPerMinute?: number;
}

/**
 * Builds the services once per process. The batch queue is the deps' (SQS in AWS); without
 * one, an in-process queue runs the worker in this process.
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
  const issuer = new CredentialIssuer({ ...base, status, idempotency, recognisedComponents: options.recognisedComponents });
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
  batches = new BatchRunner({ store: deps.store, issuer, idempotency, clock, queue });
  const agreements = new AgreementService({ store: deps.store, clock });
  const transfers = new TransferService({ ...base, verifier, anonymousPerMinute: options.anonymousTransfersPerMinute });
  return { documentLoader, status, issuer, verifier, batches, agreements, transfers };
}
