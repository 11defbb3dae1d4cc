/**
 * The whole exchange on one machine: a DynamoDB Local engine, the local key vault, an
 * outbox folder for the notices, and every function app behind one port. `pnpm start` and
 * the end-to-end tests use this.
 */
import { mkdirSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { hashSecret, type Clock, type KeyVault } from '@cx/domain';
import { createDocsFunctionApp } from '@cx/fn-docs';
import { createInstitutionsApp } from '@cx/fn-institutions';
import { createCatalogueApp } from '@cx/fn-catalogue';
import { createCredentialsApp } from '@cx/fn-credentials';
import { createVerifyApp } from '@cx/fn-verify';
import { createExchangesApp } from '@cx/fn-exchanges';
import { createOid4vciApp } from '@cx/fn-oid4vci';
import { createRecognitionApp } from '@cx/fn-recognition';
import { createPagesApp } from '@cx/fn-pages';
import { credentialServices, InProcessQueue, sendFailureReason, type CredentialServices, type NoticeMessage } from '@cx/core';
import { bootstrapAdminKey, createLog, FaultStats, faultyKeyVault, injectFaults, type ExchangeDeps, type FaultSpec } from '@cx/runtime';
import { KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyVault, LocalKeyVault } from '@cx/signing';
import { Store } from '@cx/store';
import { ensureTable, localClient, startDynamoDbLocal, type DynamoDbLocal } from '@cx/store/dynamodb-local';
import { ownerOnly } from './data-dir.js';
import { OutboxMailer } from './outbox-mailer.js';
import type { TlsFiles } from './self-signed.js';
import { createLocalGateway, type FetchApp } from './router.js';

export interface LocalExchangeOptions {
  /** 0 picks a free port. */
  port: number;
  /**
   * The address to listen on (CX_HOST): 127.0.0.1 by default, so that only this machine
   * reaches the exchange and its admin API; `0.0.0.0` for every interface.
   */
  host?: string;
  dataDir: string;
  /** Base URL for DIDs and links; defaults to http(s)://localhost:<port>. */
  publicUrl?: string;
  adminToken?: string;
  /** Use this engine instead of starting one (tests share one engine). */
  dynamoEndpoint?: string;
  /** Keep DynamoDB data in memory instead of under dataDir. */
  inMemory?: boolean;
  tableName?: string;
  consortium?: string;
  /** `kms` signs with AWS KMS (needs AWS credentials); `local` with node:crypto keys under dataDir. */
  signer?: 'local' | 'kms';
  clock?: Clock;
  /** Make this share of DynamoDB and KMS calls fail as AWS does (CX_FAULTS); off when absent. */
  faults?: FaultSpec;
  /**
   * Serve HTTPS with this certificate and key (PEM) instead of plain HTTP: did:web always
   * resolves over https, so wallets and test suites on this machine need it to resolve a DID.
   */
  tls?: TlsFiles;
  /** Notices written to the outbox per second at most (CX_MAIL_RATE; 14, as SES's usual rate, when absent). */
  mailRate?: number;
  /** How many days a claim link works (CX_CLAIM_DAYS; 30 when absent). */
  claimDays?: number;
}

export interface LocalExchange {
  url: string;
  port: number;
  /** The address it listens on. */
  host: string;
  deps: ExchangeDeps;
  /** The admin key made on first start, when no CX_ADMIN_TOKEN was given; shown once. */
  generatedAdminKey?: string;
  /** Unfinished graduation runs sent to the queue again at start. */
  resumedBatches: number;
  /** The faults injected so far, when `faults` was given. */
  faultStats?: FaultStats;
  /** Where notices are written, one `<notice id>.eml` each: `<dataDir>/outbox`. */
  outboxDir: string;
  fetch: (request: Request) => Promise<Response>;
  stop(): Promise<void>;
}

/** How often the notice sweep runs while the exchange runs (the AWS schedule's stand-in). */
const SWEEP_EVERY_MS = 10 * 60_000;

/** Builds every function app from the same deps, keyed by the topology's function names. */
export function createFunctionApps(deps: ExchangeDeps, services: CredentialServices = credentialServices(deps)): Record<string, FetchApp> {
  // one set of credential services, so the in-process batch queue and caches are shared as in one Lambda
  return {
    institutions: createInstitutionsApp(deps),
    catalogue: createCatalogueApp(deps),
    credentials: createCredentialsApp(deps, { services }),
    verify: createVerifyApp(deps, { services }),
    exchanges: createExchangesApp(deps, { services }),
    oid4vci: createOid4vciApp(deps, { services }),
    recognition: createRecognitionApp(deps, { services }),
    docs: createDocsFunctionApp(deps),
    pages: createPagesApp(deps, { services }),
  };
}

/** The KMS vault, or the local one; with `faults`, failing as KMS does (KMS errors mapped by KmsKeyVault either way). */
function keyVault(options: LocalExchangeOptions, dataDir: string, stats: FaultStats | undefined): KeyVault {
  if (options.signer === 'kms') {
    const kms = new KMSClient({});
    if (options.faults) injectFaults(kms, 'kms', options.faults, stats);
    return new KmsKeyVault(kms);
  }
  const local = new LocalKeyVault(join(dataDir, 'keys'));
  return options.faults ? faultyKeyVault(local, options.faults, stats) : local;
}

/** How a URL names the listening address: `localhost` for loopback and every-interface addresses. */
function urlHost(address: string): string {
  if (['127.0.0.1', '0.0.0.0', '::', '::1'].includes(address)) return 'localhost';
  return address.includes(':') ? `[${address}]` : address;
}

export async function startLocalExchange(options: LocalExchangeOptions): Promise<LocalExchange> {
  const dataDir = resolve(options.dataDir);
  // keys, API key hashes and table data: owner-only, an existing folder and its files included
  ownerOnly(dataDir);
  let engine: DynamoDbLocal | undefined;
  if (!options.dynamoEndpoint) {
    const dbDir = join(dataDir, 'dynamodb');
    mkdirSync(dbDir, { recursive: true, mode: 0o700 });
    engine = await startDynamoDbLocal(options.inMemory ? {} : { dataDir: dbDir });
  }
  const stopEngine = async () => engine?.stop();
  try {
    const client = localClient(options.dynamoEndpoint ?? engine!.endpoint);
    const faultStats = options.faults ? new FaultStats() : undefined;
    const tableName = options.tableName ?? 'consortium-exchange';
    await ensureTable(client, tableName);
    // the engine made its database file by now
    if (engine) ownerOnly(join(dataDir, 'dynamodb'));
    // after the table exists: faults are for the exchange's own calls
    if (options.faults) injectFaults(client, 'dynamodb', options.faults, faultStats);
    const store = new Store({ tableName, client });

    // the public URL (and so every DID) depends on the port, which is known only once listening
    let gateway: FetchApp | undefined;
    const handle = (request: Request, env: object) => gateway!.fetch(request, env);
    const hostname = options.host ?? '127.0.0.1';
    const server: ServerType = options.tls
      ? serve({ fetch: handle, port: options.port, hostname, createServer: createHttpsServer, serverOptions: { cert: options.tls.cert, key: options.tls.key } })
      : serve({ fetch: handle, port: options.port, hostname });
    const { port, address: host } = await new Promise<AddressInfo>((resolveAddress, reject) => {
      server.once('listening', () => resolveAddress(server.address() as AddressInfo));
      server.once('error', reject);
    });
    const url = `${options.tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;
    const publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
    const outboxDir = join(dataDir, 'outbox');
    // there from the start, so that the folder the banner names can be opened before any notice
    mkdirSync(outboxDir, { recursive: true, mode: 0o700 });
    const log = createLog();
    // Stopping closes the notice queue: the notices being written finish, those still waiting
    // are left `queued` (their links were only in this process's memory). The notice sweep
    // supersedes each an hour after it was written and sends a new notice with a new link; it
    // runs at start and every SWEEP_EVERY_MS while the exchange runs, as it is scheduled in AWS.
    // Draining the queue instead would hold a stop for minutes after a large graduation run
    // (2,000 notices at 14/s), and a crash leaves the same state anyway.
    let services: CredentialServices | undefined;
    let closed = false;
    const noticeQueue = new InProcessQueue<NoticeMessage>((message) => (closed ? Promise.resolve() : services!.noticeSender.process(message)), {
      // enough sends in flight that the pace (CX_MAIL_RATE), not the queue, sets the rate while a run is issuing
      concurrency: 4,
      onGiveUp: (message, error, attempts) => services!.noticeSender.giveUp(message, sendFailureReason(error, attempts)),
      log,
    });
    const deps: ExchangeDeps = {
      store,
      keyVault: keyVault(options, dataDir, faultStats),
      publicUrl,
      consortium: options.consortium ?? 'local',
      adminTokenHash: options.adminToken ? hashSecret(options.adminToken) : undefined,
      clock: options.clock,
      // one JSON record per line on stdout, as in CloudWatch (POWERTOOLS_DEV=true indents them)
      log,
      mailer: new OutboxMailer(outboxDir),
      noticeQueue,
      mailRate: options.mailRate,
      claimDays: options.claimDays,
    };
    services = credentialServices(deps);
    const { batches, notices } = services;
    gateway = createLocalGateway(createFunctionApps(deps, services));
    const generatedAdminKey = options.adminToken ? undefined : await bootstrapAdminKey(store);
    // the in-process queue did not survive the last stop: graduation runs it left unfinished go on
    const resumedBatches = await batches.resumeOpen();
    const sweepNotices = () => notices.sweep().catch((error: unknown) => log.error('the notice sweep failed; it runs again later', { error }));
    await sweepNotices();
    const sweeper = setInterval(sweepNotices, SWEEP_EVERY_MS);
    // the sweep alone never keeps the process alive
    sweeper.unref();

    return {
      url,
      port,
      host,
      deps,
      generatedAdminKey,
      resumedBatches,
      faultStats,
      outboxDir,
      fetch: async (request) => gateway!.fetch(request),
      stop: async () => {
        await new Promise<void>((done) => server.close(() => done()));
        clearInterval(sweeper);
        closed = true;
        await noticeQueue.idle();
        await stopEngine();
        // what DynamoDB Local wrote while running (its umask may not be ours)
        if (engine) ownerOnly(dataDir);
      },
    };
  } catch (error) {
    await stopEngine();
    throw error;
  }
}
