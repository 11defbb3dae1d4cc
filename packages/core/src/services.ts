/** The exchange's credential services, built once per process from its dependencies. */
import type { DocumentLoader } from '@cx/credentials';
import { systemClock, type JobQueue } from '@cx/domain';
import type { ExchangeDeps } from '@cx/runtime';
import { BatchRunner, giveUpReason, InProcessQueue, type BatchChunkMessage } from './batch-runner.js';
import { exchangeDocumentLoader } from './document-loader.js';
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
  /** Where batch chunks go: SQS in AWS; locally an in-process queue running the worker. */
  batchQueue?: JobQueue<BatchChunkMessage>;
  /** Settings of the in-process queue used when there is no `batchQueue` (tests make it quick). */
  inProcessQueue?: { concurrency?: number; maxAttempts?: number; retryDelayMs?: number };
  recognisedComponents?: IssuerDeps['recognisedComponents'];
  /** Keyless transfer submissions allowed per client address per minute. */
  anonymousTransfersPerMinute?: number;
}

export function credentialServices(deps: ExchangeDeps, options: ServiceOptions = {}): CredentialServices {
  const clock = deps.clock ?? systemClock;
  const documentLoader = exchangeDocumentLoader(deps);
  const base = { store: deps.store, keyVault: deps.keyVault, publicUrl: deps.publicUrl, documentLoader, clock };
  const status = new StatusService(base);
  const issuer = new CredentialIssuer({ ...base, status, recognisedComponents: options.recognisedComponents });
  const verifier = new CredentialVerifier(base);
  let batches: BatchRunner;
  // locally, a chunk that keeps failing is given up as the dead-letter consumer does in AWS
  const queue =
    options.batchQueue ??
    new InProcessQueue<BatchChunkMessage>((message) => batches.processChunk(message), {
      ...options.inProcessQueue,
      onGiveUp: (message, error, attempts) => batches.failChunk(message, giveUpReason(error, attempts)),
    });
  batches = new BatchRunner({ store: deps.store, issuer, clock, queue });
  const agreements = new AgreementService({ store: deps.store, clock });
  const transfers = new TransferService({ ...base, verifier, anonymousPerMinute: options.anonymousTransfersPerMinute });
  return { documentLoader, status, issuer, verifier, batches, agreements, transfers };
}
