/**
 * Builds the Lambda bundles: one minified ESM file per function, with every dependency
 * (the pinned AWS SDK included) inside it. The CDK stack deploys exactly what this
 * writes and the benchmark measures exactly the same files, so the sizes it prints are
 * the sizes deployed. A function's large static files (the topology's `files`) are copied
 * beside its bundle rather than bundled, so its cold start does not parse them.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions, type Metafile } from 'esbuild';
import type { FunctionSpec } from '@cx/runtime/topology';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where bundles go (git-ignored): `dist/functions/<name>/index.mjs`. */
export const DIST_DIR = join(REPO_ROOT, 'infra', 'dist');

/**
 * The Node.js major version bundles are built for. The stack's Lambda runtime matches it,
 * and it is the newest one Lambda offers (cdk-nag's AwsSolutions-L1 checks that).
 */
export const NODE_MAJOR = 24;

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

const OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: `node${NODE_MAJOR}`,
  format: 'esm',
  minify: true,
  charset: 'utf8',
  // prefer packages' ESM builds: better tree shaking, and no CJS wrappers at load time
  mainFields: ['module', 'main'],
  // some dependencies are CJS and call require() (and @digitalbazaar's credentials-context
  // breaks in a CJS bundle), so the ESM bundle gets a real require for them
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  // licence texts go beside the bundle: deployed with it, but not parsed at cold start
  legalComments: 'external',
  // jsonld's network document loader is never used (the exchange passes its own loader to every
  // call), but its HTTP client would bring undici, about 414 KB, into each bundle: a stub that
  // refuses to fetch takes its place
  alias: { '@digitalbazaar/http-client': './infra/src/stubs/no-network-http-client.cjs' },
  logLevel: 'error',
  absWorkingDir: REPO_ROOT,
};

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
  try {
    buildSync({ ...OPTIONS, entryPoints: [entryPath], outfile: file });
  } catch (error) {
    // esbuild's message already lists every error with its file and line
    throw new Error(`could not bundle ${entry}: ${(error as Error).message}`);
  }
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
  return bundle;
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
export async function bundleMetafile(spec: Pick<FunctionSpec, 'name' | 'handler'>): Promise<Metafile> {
  const result = await build({ ...OPTIONS, entryPoints: [join(REPO_ROOT, handlerModule(spec))], outfile: BUNDLE_FILE, write: false, metafile: true });
  return result.metafile;
}
