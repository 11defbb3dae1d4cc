/**
 * The unpatched jsonld 9.0.0, for comparing against the patched one the workspace installs.
 *
 * pnpm applies `patches/jsonld@9.0.0.patch` (pnpm-workspace.yaml's patchedDependencies) to every
 * copy of jsonld@9.0.0 it installs, so no stock copy is left in node_modules. This module makes
 * one: it copies the installed package to a cache folder in the OS temp dir (keyed by the patch
 * file's hash, so a changed patch gets a fresh copy), reverse-applies the patch there with
 * `git apply -R`, and links the copy's `node_modules` to the pnpm folder holding jsonld's own
 * dependencies (lru-cache, rdf-canonize, ...), so the copy runs exactly as the installed one but
 * for the patch.
 *
 * Used by test/interop/jsonld-patch-equivalence.test.ts (patched vs stock output) and by the
 * benchmarks (test/bench/jsonld.ts; and the "plain @digitalbazaar/vc pipeline" baseline, which
 * runs on stock jsonld). `stockJsonldDir()` is the stable entry point: a package directory
 * (package.json, lib/), usable as a `require` target or as an esbuild alias
 * (`alias: { jsonld: stockJsonldDir() }`) to run a whole pipeline on stock jsonld.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The patch pnpm applies, relative to the package root (`a/lib/context.js`). */
export const JSONLD_PATCH_FILE = join(ROOT, 'patches', 'jsonld@9.0.0.patch');

/** What the tests and benchmarks call on either copy of jsonld. */
export interface JsonLdOptions {
  documentLoader?: (url: string) => Promise<{ contextUrl: string | null; documentUrl: string; document: unknown; tag?: string }>;
  safe?: boolean;
  base?: string | null;
  algorithm?: 'RDFC-1.0' | 'URDNA2015';
  format?: 'application/n-quads';
}

export interface JsonLd {
  expand(input: unknown, options?: JsonLdOptions): Promise<unknown[]>;
  compact(input: unknown, context: unknown, options?: JsonLdOptions): Promise<Record<string, unknown>>;
  canonize(input: unknown, options?: JsonLdOptions): Promise<string>;
}

/** A stock copy could not be made (the patch no longer reverses onto the installed package). */
export class StockJsonldError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StockJsonldError';
  }
}

/** The installed (patched) jsonld 9.0.0's package directory, the one @cx/credentials resolves. */
export function installedJsonldDir(): string {
  const credentials = join(ROOT, 'packages', 'credentials', 'package.json');
  const packageJson = createRequire(credentials).resolve('jsonld/package.json');
  const dir = realpathSync(dirname(packageJson));
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  if (version !== '9.0.0') throw new StockJsonldError(`@cx/credentials resolves jsonld ${version}, not the 9.0.0 the patch is for`);
  return dir;
}

/**
 * The package directory of an unpatched jsonld 9.0.0, made on first call (a few hundred ms)
 * and reused after, across processes, while the patch file is unchanged.
 *
 * @throws StockJsonldError when the patch does not reverse onto the installed package
 */
export function stockJsonldDir(): string {
  const patch = readFileSync(JSONLD_PATCH_FILE);
  const key = createHash('sha256').update(patch).digest('hex').slice(0, 16);
  const cacheRoot = join(tmpdir(), 'cx-stock-jsonld');
  const target = join(cacheRoot, `jsonld-9.0.0-${key}`);
  if (existsSync(join(target, '.stock'))) return target;

  const installed = installedJsonldDir();
  mkdirSync(cacheRoot, { recursive: true });
  // built beside the target and renamed into place, so a concurrent test never sees half a copy
  const building = `${target}.${process.pid}.${Date.now()}`;
  rmSync(building, { recursive: true, force: true });
  // pnpm keeps a package's dependencies beside it, not inside it: there is nothing to skip but a .bin folder
  cpSync(installed, building, { recursive: true, filter: (source) => !source.startsWith(join(installed, 'node_modules')) });
  try {
    // GIT_CEILING_DIRECTORIES: git must apply to these files, not look for a repository around the temp dir
    execFileSync('git', ['apply', '-R', '-p1', JSONLD_PATCH_FILE], {
      cwd: building,
      env: { ...process.env, GIT_CEILING_DIRECTORIES: cacheRoot },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new StockJsonldError(`${JSONLD_PATCH_FILE} does not reverse onto ${installed}: ${stderr ?? String(error)}`, { cause: error });
  }
  // jsonld's dependencies (and only they) are the siblings of the installed package in pnpm's folder
  symlinkSync(dirname(installed), join(building, 'node_modules'), 'dir');
  writeFileSync(join(building, '.stock'), `jsonld 9.0.0 from ${installed} with ${JSONLD_PATCH_FILE} (sha256 ${key}…) reversed\n`);
  try {
    renameSync(building, target);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    // another process finished the same copy first
    if (!existsSync(join(target, '.stock'))) throw error;
  }
  return target;
}

const load = (dir: string) => createRequire(import.meta.url)(join(dir, 'lib', 'index.js')) as JsonLd;

/** The unpatched jsonld 9.0.0 (its own module instance, with its own caches). */
export async function stockJsonld(): Promise<JsonLd> {
  return load(stockJsonldDir());
}

/** The installed, patched jsonld 9.0.0: the copy the exchange runs. */
export async function patchedJsonld(): Promise<JsonLd> {
  return load(installedJsonldDir());
}
