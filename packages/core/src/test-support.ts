/**
 * Arrangement for core's unit tests: the services over a fresh MemoryPersistence, with a
 * real Ed25519 key vault (a LocalKeyVault in a temp folder, as the DynamoDB Local tests
 * use), a clock the test moves, and queues that keep graduation-run chunks and rendered
 * notices for the test to deliver. No engine, no network. Not exported by index.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryPersistence } from '@cx/memory-store';
import { LocalKeyVault } from '@cx/signing';
import {
  componentBodySchema,
  issueRequestSchema,
  type AuditRecord,
  type Clock,
  type IssueRequest,
  type RequestContext,
  type StoredInstitution,
} from '@cx/domain';
import { onTestFinished, vi } from 'vitest';
import { componentBody } from '../../../functions/catalogue/src/fixtures.js';
import { issueBody, type IssueBodyOptions } from '../../../functions/credentials/src/fixtures.js';
import type { BatchChunkMessage } from './batch-runner.js';
import type { NoticeMessage } from './delivery/notice-message.js';
import { CatalogueService } from './catalogue.js';
import type { CoreDeps } from './deps.js';
import { InstitutionService } from './institutions.js';
import { credentialServices, type CredentialServices } from './services.js';

export const PUBLIC_URL = 'https://exchange.test';
/** When every test's clock starts. */
export const T0 = '2026-03-02T09:00:00.000Z';

/** A clock that stands still until the test moves it. */
export interface TestClock extends Clock {
  advance(ms: number): void;
}

/** A clock standing at `start` (T0 unless told otherwise). */
export function fixedClock(start = T0): TestClock {
  let now = Date.parse(start);
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A request made with an API key of `institutionId`. */
export const asInstitution = (institutionId: string): RequestContext => ({
  principal: { kind: 'institution', institutionId, keyId: `${institutionId}-key` },
  requestId: 'request-1',
});

/** A request made with the consortium admin's key. */
export const asAdmin: RequestContext = { principal: { kind: 'admin', keyId: 'admin-key' }, requestId: 'request-1' };

/** A valid issue request: a component (ML-1 unless told otherwise) for ada@example.org. */
export const issueRequest = (options: IssueBodyOptions = {}): IssueRequest => issueRequestSchema.parse(issueBody(options));

export interface TestCore extends CredentialServices {
  persistence: MemoryPersistence;
  clock: TestClock;
  keyVault: LocalKeyVault;
  institutions: InstitutionService;
  catalogue: CatalogueService;
  /** Every chunk message the batch runner sent, in order, waiting for the test to deliver it. */
  sent: BatchChunkMessage[];
  /** Every notice dispatched to the notice queue, in order (their links carry the raw tokens). */
  queuedNotices: NoticeMessage[];
  /** Onboards a member institution, its signing key made in the key vault. */
  onboard(id: string): Promise<StoredInstitution>;
  /** Publishes a component of `institution` (componentBody with `overrides`). */
  publishComponent(institution: string, code: string, overrides?: Record<string, unknown>): Promise<void>;
  /** The audit records of `institution` with `action`, newest first. */
  audited(institution: string, action: string): Promise<AuditRecord[]>;
}

/**
 * Core's services over an empty in-memory persistence, as `credentialServices` builds them
 * for the runtimes, with `overrides` of their deps (a failing notice queue, a log to spy on).
 * Call it in a test or a `beforeEach`: its key folder goes when the test ends.
 */
export function testCore(overrides: Partial<Pick<CoreDeps, 'noticeQueue' | 'log' | 'claimDays'>> = {}): TestCore {
  const persistence = new MemoryPersistence();
  const clock = fixedClock();
  const keyDirectory = mkdtempSync(join(tmpdir(), 'cx-core-keys-'));
  onTestFinished(() => rmSync(keyDirectory, { recursive: true, force: true }));
  const keyVault = new LocalKeyVault(keyDirectory);
  const sent: BatchChunkMessage[] = [];
  const queuedNotices: NoticeMessage[] = [];
  const deps = { store: persistence, keyVault, publicUrl: PUBLIC_URL, consortium: 'test', clock };
  const services = credentialServices({
    ...deps,
    batchQueue: { send: async (messages) => void sent.push(...messages) },
    noticeQueue: { send: async (messages) => void queuedNotices.push(...messages) },
    ...overrides,
  });
  const institutions = new InstitutionService(deps);
  const catalogue = new CatalogueService({ store: persistence, clock });
  return {
    ...services,
    persistence,
    clock,
    keyVault,
    institutions,
    catalogue,
    sent,
    queuedNotices,
    async onboard(id) {
      const { institution } = await institutions.onboard({ id, name: `University ${id}`, country: 'NL', homepage: `https://${id}.example.edu` }, asAdmin);
      return institution;
    },
    async publishComponent(institution, code, overrides = {}) {
      await catalogue.put('component', institution, code, componentBodySchema.parse(componentBody(overrides)), undefined, asInstitution(institution));
    },
    async audited(institution, action) {
      const { items } = await persistence.audit.list({ institution }, 1000);
      return items.filter((record) => record.action === action);
    },
  };
}

/**
 * Makes the next commit of `persistence` fail its condition, as a commit losing a race to
 * another writer does: a change whose condition cannot hold (a status change of a credential
 * that does not exist) is committed with the caller's, so the unit of work writes none of them.
 */
export function conflictOnNextCommit(persistence: MemoryPersistence): void {
  const commit = persistence.commit.bind(persistence);
  vi.spyOn(persistence, 'commit').mockImplementationOnce((changes, onConflict) =>
    commit([...changes, persistence.credentials.setStatus('nobody', 'no-such-credential', 'active', 'revoked', 'lost a race', T0)], onConflict),
  );
}
