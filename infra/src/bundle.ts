/**
 * Builds the Lambda bundles: one minified ESM file per function, with every dependency
 * (the pinned AWS SDK included) inside it. The CDK stack deploys exactly what this
 * writes and the benchmark measures exactly the same files, so the sizes it prints are
 * the sizes deployed. A function's large static files (the topology's `files`) are copied
 * beside its bundle rather than bundled, so its cold start does not parse them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import type { FunctionSpec } from '@cx/runtime/topology';
import { buildBundle, type BuildRequest } from './bundle-build.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where bundles go (git-ignored): `dist/functions/<name>/index.mjs`. */
export const DIST_DIR = join(REPO_ROOT, 'infra', 'dist');

export { NODE_MAJOR } from './bundle-build.js';

/** Lambda resolves `index.handler` to `index.mjs` in the asset folder. */
export const BUNDLE_FILE = 'index.mjs';

export interface Bundle {
  /** Folder to deploy as the function's code asset. */
  dir: string;
  /** The bundle itself. */
  file: string;
  /** Size of the bundle in bytes. */
  bytes: number;
}

/** The build script, run by Node.js with tsx's loader (runTs). */
const BUILD_SCRIPT = 'infra/src/bundle-build.ts';
const TSX_LOADER = pathToFileURL(createRequire(join(REPO_ROOT, 'package.json')).resolve('tsx/esm')).href;

/**
 * Bundles one entry module into `outDir/index.mjs`, replacing whatever was there.
 *
 * @example
 * const { file, bytes } = bundleEntry('test/bench/hono-hello.ts', join(DIST_DIR, 'bench', 'hono-hello'));
 */
export function bundleEntry(entry: string, outDir: string): Bundle {
  const entryPath = join(REPO_ROOT, entry);
  if (!existsSync(entryPath)) throw new Error(`nothing to bundle: ${entryPath} does not exist`);
  // a stale file left in the folder would be deployed with the asset
  rmSync(outDir, { recursive: true, force: true });
  const file = join(outDir, BUNDLE_FILE);
  const request: BuildRequest = { entry: entryPath, outfile: file };
  // esbuild runs plugins only in its asynchronous build, and a CDK asset is made synchronously
  runTs(BUILD_SCRIPT, [JSON.stringify(request)], `could not bundle ${entry}`);
  return { dir: outDir, file, bytes: statSync(file).size };
}

/**
 * Bundles the Lambda entry of a topology function: its `handler` module, by default
 * `functions/<name>/src/handler.ts`, into `<distDir>/functions/<name>/index.mjs`.
 *
 * @example
 * const bundle = bundleFunction({ name: 'institutions' }); // infra/dist/functions/institutions/index.mjs
 */
export function bundleFunction(spec: Pick<FunctionSpec, 'name' | 'handler' | 'files'>, distDir = DIST_DIR): Bundle {
  const bundle = bundleEntry(handlerModule(spec), join(distDir, 'functions', spec.name));
  if (spec.files) copyPackageFiles(spec.files, join(REPO_ROOT, handlerModule(spec)), join(bundle.dir, spec.files.dir));
  const built = BUILT_FILES[spec.name];
  if (built) runTs(built.script, [join(bundle.dir, built.file)], `could not write ${built.file} for ${spec.name}`);
  return bundle;
}

/**
 * Files a function serves that are built when it is bundled, by a script run in Node.js that
 * writes the file named by its argument beside the bundle. The docs function's OpenAPI
 * document is built from every function app; bundling those apps into the docs function just
 * to build the same document at every cold start would make it the size of all of them.
 */
export const BUILT_FILES: Readonly<Record<string, { script: string; file: string }>> = {
  docs: { script: 'functions/docs/src/bundle-document.ts', file: 'openapi.json' },
};

/** Runs a TypeScript module of the repository in a new Node.js process, synchronously. */
function runTs(script: string, args: string[], failure: string): void {
  try {
    execFileSync(process.execPath, ['--import', TSX_LOADER, join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`${failure}: ${stderr || (error as Error).message}`);
  }
}

/** Copies files of a package, resolved as the function's handler resolves it, into `outDir`. */
function copyPackageFiles(files: NonNullable<FunctionSpec['files']>, from: string, outDir: string): void {
  const packageDir = dirname(createRequire(from).resolve(`${files.package}/package.json`));
  mkdirSync(outDir, { recursive: true });
  for (const name of files.names) copyFileSync(join(packageDir, name), join(outDir, name));
}

/** The handler module of a topology function, from the repository root. */
export function handlerModule(spec: Pick<FunctionSpec, 'name' | 'handler'>): string {
  return spec.handler ?? join('functions', spec.name, 'src', 'handler.ts');
}

/**
 * What a function's bundle is made of, without writing it: esbuild's metafile of the same
 * build, in memory. Tests read from it which packages each function carries.
 *
 * @example
 * const { inputs } = await bundleMetafile({ name: 'verify' }); // keys are repository-relative paths
 */
export function bundleMetafile(spec: Pick<FunctionSpec, 'name' | 'handler'>): Promise<Metafile> {
  return buildBundle({ entry: join(REPO_ROOT, handlerModule(spec)), outfile: BUNDLE_FILE }, { write: false });
}
