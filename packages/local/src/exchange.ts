/**
 * The whole exchange on one machine: a DynamoDB Local engine, the local key vault, and
 * every function app behind one port. `pnpm start` and the end-to-end tests use this.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { hashSecret, type Clock } from '@cx/domain';
import { createDocsFunctionApp } from '@cx/fn-docs';
import { createInstitutionsApp } from '@cx/fn-institutions';
import { createCatalogueApp } from '@cx/fn-catalogue';
import { createCredentialsApp } from '@cx/fn-credentials';
import { createVerifyApp } from '@cx/fn-verify';
import { createRecognitionApp } from '@cx/fn-recognition';
import { createPagesApp } from '@cx/fn-pages';
import { credentialServices, type CredentialServices } from '@cx/core';
import { bootstrapAdminKey, type ExchangeDeps } from '@cx/runtime';
import { KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyVault, LocalKeyVault } from '@cx/signing';
import { Store } from '@cx/store';
import { ensureTable, localClient, startDynamoDbLocal, type DynamoDbLocal } from '@cx/store/dynamodb-local';
import { createLocalGateway, type FetchApp } from './router.js';

export interface LocalExchangeOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** Base URL for DIDs and links; defaults to http://localhost:<port>. */
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
}

export interface LocalExchange {
  url: string;
  port: number;
  deps: ExchangeDeps;
  /** The admin key made on first start, when no CX_ADMIN_TOKEN was given; shown once. */
  generatedAdminKey?: string;
  /** Unfinished graduation runs sent to the queue again at start. */
  resumedBatches: number;
  fetch: (request: Request) => Promise<Response>;
  stop(): Promise<void>;
}

/** Builds every function app from the same deps, keyed by the topology's function names. */
export function createFunctionApps(deps: ExchangeDeps, services: CredentialServices = credentialServices(deps)): Record<string, FetchApp> {
  // one set of credential services, so the in-process batch queue and caches are shared as in one Lambda
  return {
    institutions: createInstitutionsApp(deps),
    catalogue: createCatalogueApp(deps),
    credentials: createCredentialsApp(deps, { services }),
    verify: createVerifyApp(deps, { services }),
    recognition: createRecognitionApp(deps, { services }),
    docs: createDocsFunctionApp(deps),
    pages: createPagesApp(deps, { services }),
  };
}

export async function startLocalExchange(options: LocalExchangeOptions): Promise<LocalExchange> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let engine: DynamoDbLocal | undefined;
  if (!options.dynamoEndpoint) {
    const dbDir = join(dataDir, 'dynamodb');
    mkdirSync(dbDir, { recursive: true });
    engine = await startDynamoDbLocal(options.inMemory ? {} : { dataDir: dbDir });
  }
  const stopEngine = async () => engine?.stop();
  try {
    const client = localClient(options.dynamoEndpoint ?? engine!.endpoint);
    const tableName = options.tableName ?? 'consortium-exchange';
    await ensureTable(client, tableName);
    const store = new Store({ tableName, client });

    // the public URL (and so every DID) depends on the port, which is known only once listening
    let gateway: FetchApp | undefined;
    const server: ServerType = serve({
      fetch: (request: Request, env: object) => gateway!.fetch(request, env),
      port: options.port,
      hostname: '0.0.0.0',
    });
    const port = await new Promise<number>((resolvePort, reject) => {
      server.once('listening', () => resolvePort((server.address() as AddressInfo).port));
      server.once('error', reject);
    });
    const publicUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
    const deps: ExchangeDeps = {
      store,
      keyVault: options.signer === 'kms' ? new KmsKeyVault(new KMSClient({})) : new LocalKeyVault(join(dataDir, 'keys')),
      publicUrl,
      consortium: options.consortium ?? 'local',
      adminTokenHash: options.adminToken ? hashSecret(options.adminToken) : undefined,
      clock: options.clock,
    };
    const services = credentialServices(deps);
    gateway = createLocalGateway(createFunctionApps(deps, services));
    const generatedAdminKey = options.adminToken ? undefined : await bootstrapAdminKey(store);
    // the in-process queue did not survive the last stop: graduation runs it left unfinished go on
    const resumedBatches = await services.batches.resumeOpen();

    return {
      url: `http://localhost:${port}`,
      port,
      deps,
      generatedAdminKey,
      resumedBatches,
      fetch: async (request) => gateway!.fetch(request),
      stop: async () => {
        await new Promise<void>((done) => server.close(() => done()));
        await stopEngine();
      },
    };
  } catch (error) {
    await stopEngine();
    throw error;
  }
}
