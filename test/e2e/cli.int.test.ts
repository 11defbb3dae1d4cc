/**
 * `cx` end to end: the real entry point as a child process (node + tsx, as `pnpm cx` runs
 * it), with CX_URL and CX_API_KEY, against a local exchange over real HTTP. What a staff
 * member sees: onboarding, a catalogue import and its per-row report, a graduation run,
 * verification, and the messages and exit codes of every kind of failure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startLocalExchange, type LocalExchange } from '@cx/local';
import { CxClient } from '../../packages/client/src/index.js';
import { catalogueItemsFromCsv } from '../../packages/cli/src/catalogue-rows.js';
import { parseCsv } from '../../packages/cli/src/csv.js';
import { REPO_ROOT } from '../support/exchange-process.js';

const ADMIN_TOKEN = `cli-e2e-admin-${randomUUID()}`;
const CATALOGUE = join(REPO_ROOT, 'examples/catalogue.csv');
const GRADUATION = join(REPO_ROOT, 'examples/graduation.csv');

let exchange: LocalExchange;
let dir: string;
/** An institution with the example catalogue, for graduation runs and verification. */
let issuerKey: string;
let credentialFile: string;
let tamperedFile: string;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cx` as `pnpm cx` does, with only the settings given (and PATH). */
function cx(args: string[], settings: { CX_URL?: string; CX_API_KEY?: string; CX_INSTITUTION?: string } = {}): Promise<Ran> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, CX_URL: exchange.url, ...settings };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A local port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cx-cli-e2e-'));
  exchange = await startLocalExchange({
    port: 0,
    dataDir: dir,
    adminToken: ADMIN_TOKEN,
    // the run's engine, with a table of this file's own
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: `cli-e2e-${randomUUID()}`,
  });
  const admin = new CxClient({ baseUrl: exchange.url, apiKey: ADMIN_TOKEN });
  issuerKey = (await admin.institutions.add({ id: 'uni-issuer', name: 'Universiteit Issuer', country: 'NL', homepage: 'https://uni-issuer.example.edu' })).apiKey;
  const issuer = new CxClient({ baseUrl: exchange.url, apiKey: issuerKey });
  const items = catalogueItemsFromCsv(parseCsv(readFileSync(CATALOGUE), 'catalogue.csv'), 'catalogue.csv').map((s) => s.item);
  const imported = await issuer.catalogue.importComponents('uni-issuer', items);
  expect(imported.summary.created).toBe(items.length);

  const { credential } = await issuer.credentials.issue('uni-issuer', {
    achievement: { type: 'component', code: 'DS-201' },
    recipient: { name: 'Ada Lovelace', email: 'ada@example.org' },
  });
  credentialFile = join(dir, 'credential.json');
  writeFileSync(credentialFile, JSON.stringify(credential, null, 2));
  const tampered = structuredClone(credential) as { credentialSubject: { achievement: { creditsAvailable?: number } } };
  tampered.credentialSubject.achievement.creditsAvailable = 60;
  tamperedFile = join(dir, 'tampered.json');
  writeFileSync(tamperedFile, JSON.stringify(tampered));
}, 120_000);

afterAll(async () => {
  await exchange?.stop();
});

describe('cx institutions', () => {
  it('onboards an institution and prints its API key, which then works', async () => {
    const ran = await cx(['institutions', 'add', '--id', 'uni-cli', '--name', 'Université CLI', '--country', 'FR', '--homepage', 'https://uni-cli.example.edu'], { CX_API_KEY: ADMIN_TOKEN });

    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('Onboarded uni-cli (Université CLI).');
    const apiKey = /cxk_\S+/.exec(ran.stdout)?.[0];
    expect(apiKey).toBeDefined();
    const withKey = await cx(['catalogue', 'import', CATALOGUE, '--institution', 'uni-cli'], { CX_API_KEY: apiKey });
    expect(withKey.code, withKey.stderr).toBe(0);
  });

  it('lists the members with their status', async () => {
    const ran = await cx(['institutions', 'list']);

    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^uni-issuer\s+active\s+NL\s+Universiteit Issuer$/m);
  });
});

describe('cx catalogue import', () => {
  it('imports the example catalogue with a report of every row, and exits 0', async () => {
    await new CxClient({ baseUrl: exchange.url, apiKey: ADMIN_TOKEN }).institutions.add({ id: 'uni-import', name: 'Import U', country: 'DE', homepage: 'https://uni-import.example.edu' });
    const { apiKey } = await new CxClient({ baseUrl: exchange.url, apiKey: ADMIN_TOKEN }).apiKeys.create('uni-import');

    const ran = await cx(['catalogue', 'import', CATALOGUE], { CX_API_KEY: apiKey, CX_INSTITUTION: 'uni-import' });

    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^\s+row 2\s+DS-101\s+created, version 1$/m);
    expect(ran.stdout).toMatch(/^\s+row 11\s+LNG-105\s+created, version 1$/m);
    expect(ran.stdout).toContain('Summary: 10 created, 0 updated, 0 unchanged, 0 invalid, 0 failed');
  });

  it('reports a bad row by its row number and field, stores the good rows, and exits 1', async () => {
    const file = join(dir, 'bad-catalogue.csv');
    const lines = readFileSync(CATALOGUE, 'utf8').split('\n');
    // row 3 (DS-102) at EQF level 9, which does not exist
    lines[2] = lines[2]!.replace(',4,6,0613,', ',4,9,0613,');
    writeFileSync(file, lines.map((l) => l.replace(/^(DS|SUS|LAW|BUS|HLT|LNG)-/, 'BAD-$1-')).join('\n'));

    const ran = await cx(['catalogue', 'import', file, '--institution', 'uni-issuer'], { CX_API_KEY: issuerKey });

    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/^\s+row 3\s+BAD-DS-102\s+invalid$/m);
    expect(ran.stdout).toMatch(/^\s+eqfLevel: .+$/m);
    expect(ran.stdout).toContain('Summary: 9 created, 0 updated, 0 unchanged, 1 invalid, 0 failed');
    expect(ran.stderr).toContain('1 of 10 rows were not imported');
  });
});

describe('cx credentials issue-batch', () => {
  it('runs the example graduation file to completion with a text progress bar, and exits 0', async () => {
    // no --institution and no CX_INSTITUTION: the exchange says whose key it is
    const ran = await cx(['credentials', 'issue-batch', GRADUATION, '--interval', '100'], { CX_API_KEY: issuerKey });

    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^\[#{30}\] 100%  12\/12  issued 12, failed 0$/m);
    expect(ran.stdout).toContain('Done: 12 issued, 0 failed, of 12.');
  });

  it('asks which institution when the key is an admin key and none is given, and exits 2', async () => {
    const ran = await cx(['credentials', 'issue-batch', GRADUATION], { CX_API_KEY: ADMIN_TOKEN });

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('CX_API_KEY is an admin key');
  });

  it('reports each row that was not issued with its reason, and exits 1', async () => {
    const file = join(dir, 'graduation-with-unknown-code.csv');
    writeFileSync(file, ['code,name,email', 'DS-101,Ada Lovelace,ada@example.org', 'XX-999,Jan de Vries,jan@example.org', ''].join('\n'));

    const ran = await cx(['credentials', 'issue-batch', file, '--interval', '100'], { CX_API_KEY: issuerKey, CX_INSTITUTION: 'uni-issuer' });

    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('Done with errors: 1 issued, 1 failed, of 2.');
    expect(ran.stdout).toMatch(/^\s+row 3 \(Jan de Vries, jan@example\.org\): 404 Not found: .*XX-999/m);
  });
});

describe('cx verify', () => {
  it('verifies a credential, naming the issuer as the member list does, and exits 0', async () => {
    const ran = await cx(['verify', credentialFile]);

    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain("Issuer: Universiteit Issuer (uni-issuer), as the consortium's member list names it");
    expect(ran.stdout).toContain('✓ The signature is intact');
    expect(ran.stdout.trimEnd().endsWith('VERIFIED')).toBe(true);
  });

  it('says a tampered credential does not verify, and exits 1', async () => {
    const ran = await cx(['verify', tamperedFile]);

    expect(ran.code).toBe(1);
    expect(ran.stdout).toContain('✗ The signature does not match');
    expect(ran.stdout).toContain('NOT VERIFIED: 1 check failed');
  });
});

describe('cx failures', () => {
  it('prints the usage and exits 2 for a missing argument', async () => {
    const ran = await cx(['catalogue', 'import'], { CX_API_KEY: issuerKey, CX_INSTITUTION: 'uni-issuer' });

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('cx: missing <file.csv|file.json>');
    expect(ran.stderr).toContain('Usage: cx catalogue import <file.csv|file.json> [options]');
  });

  it('says CX_URL cannot be reached, and exits non-zero', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;

    const ran = await cx(['institutions', 'list'], { CX_URL: url });

    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe(`cx: cannot reach CX_URL ${url}: connection refused (is the exchange running?)\n`);
  });

  it("prints the exchange's problem and exits 1 when the key may not act", async () => {
    const ran = await cx(['institutions', 'suspend', 'uni-issuer'], { CX_API_KEY: issuerKey });

    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('cx: the exchange answered 403 Not allowed: this route is for consortium admins');
  });
});
