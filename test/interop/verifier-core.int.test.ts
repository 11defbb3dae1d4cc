/**
 * The Digital Credentials Consortium's verifier (@digitalcredentials/verifier-core, under the
 * Learner Credential Wallet and VerifierPlus) in Node, against the local exchange over HTTPS:
 * it resolves the issuers' did:web, loads the status lists and checks the issuer against the
 * consortium's registry, all over the network as it does for any issuer.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/exchange-process.js';
import type { VerifierCoreOutcome } from './verifier-core-checks.js';
import { KINDS, startWalletExchange, type WalletExchange } from './wallet-credentials.js';

type Json = Record<string, any>;

let wallet: WalletExchange;

/** Runs verifier-core in a Node process that trusts the exchange's certificate. */
async function verifyInNode(credentials: Json[]): Promise<VerifierCoreOutcome[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/interop/verifier-core-child.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: wallet.certFile },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify({ credentials, registryUrl: wallet.registryUrl }));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`verifier-core exited with ${code}:\n${stderr}`);
  return JSON.parse(stdout) as VerifierCoreOutcome[];
}

const outcomes: Record<string, VerifierCoreOutcome> = {};

/**
 * The status steps of an outcome: one per status purpose the credential's entries name
 * (`message_status` for one entry of purpose "message"; `revocation_status` and
 * `suspension_status` for credentials issued with two entries).
 */
const statusSteps = (outcome: VerifierCoreOutcome) => Object.entries(outcome.steps).filter(([id]) => id.endsWith('_status'));

beforeAll(async () => {
  wallet = await startWalletExchange();
  const names = Object.keys(wallet.credentials) as Array<keyof WalletExchange['credentials']>;
  const answers = await verifyInNode(names.map((name) => wallet.credentials[name]));
  names.forEach((name, i) => (outcomes[name] = answers[i]!));
}, 120_000);

afterAll(async () => {
  await wallet?.stop();
});

describe('verifier-core in Node', () => {
  it.each(KINDS)('verifies a %s: valid signature, not expired, not revoked, issuer registered', (kind) => {
    const outcome = outcomes[kind]!;
    expect(outcome.errors, JSON.stringify(outcome)).toEqual([]);
    expect(outcome.steps, JSON.stringify(outcome)).toMatchObject({ valid_signature: true, expiration: true, registered_issuer: true });
    // the recognition record carries no status (a decision is not revoked); the others are active
    if (kind !== 'recognition record') expect(statusSteps(outcome).length, JSON.stringify(outcome)).toBeGreaterThan(0);
    expect(statusSteps(outcome).filter(([, valid]) => !valid), JSON.stringify(outcome)).toEqual([]);
    expect(outcome.registries).toEqual(['Consortium exchange members']);
  });

  it('verifies a credential naming the EU context by its URL, as those issued before it was embedded do (the exchange serves it)', () => {
    const outcome = outcomes['context by URL']!;
    expect(outcome.errors, JSON.stringify(outcome)).toEqual([]);
    expect(outcome.steps, JSON.stringify(outcome)).toMatchObject({ valid_signature: true, expiration: true, registered_issuer: true });
  });

  it.each(['revoked', 'suspended'] as const)('reports a %s credential as not valid in its status, with a valid signature', (kind) => {
    const outcome = outcomes[kind]!;
    expect(outcome.errors, JSON.stringify(outcome)).toEqual([]);
    expect(outcome.steps.valid_signature, JSON.stringify(outcome)).toBe(true);
    expect(statusSteps(outcome).filter(([, valid]) => !valid).length, JSON.stringify(outcome)).toBeGreaterThan(0);
    // read, not unreadable: the list loaded and said so
    expect(outcome.stepErrors, JSON.stringify(outcome)).toEqual({});
  });
});
