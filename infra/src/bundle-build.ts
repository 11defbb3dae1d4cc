/**
 * One esbuild build of a Lambda bundle, with the plugins of bundle-plugins.ts. esbuild runs
 * plugins only in its asynchronous `build`, and the CDK stack asks for its assets
 * synchronously, so bundle.ts runs this module as a script in a child process (see
 * `bundleEntry`); tests that only read a metafile call `buildBundle` directly.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { lambdaCredentials, workspaceWithoutSideEffects, zodEnglishOnly } from './bundle-plugins.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Node.js major version bundles are built for. The stack's Lambda runtime matches it,
 * and it is the newest one Lambda offers (cdk-nag's AwsSolutions-L1 checks that).
 */
export const NODE_MAJOR = 24;

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
  plugins: [workspaceWithoutSideEffects(REPO_ROOT), lambdaCredentials, zodEnglishOnly],
  // the repository's one tsconfig (JSX through hono/jsx) for every file: esbuild looks a file's
  // tsconfig up only for files its own resolver found, not for those a plugin resolved
  tsconfig: 'tsconfig.json',
  logLevel: 'error',
  absWorkingDir: REPO_ROOT,
};

/** What to build: an entry module and the bundle file, both absolute paths. */
export interface BuildRequest {
  entry: string;
  outfile: string;
}

/**
 * Builds `entry` into `outfile`; with `write: false`, only returns what the bundle is made of.
 *
 * @example
 * const metafile = await buildBundle({ entry, outfile: 'index.mjs' }, { write: false });
 */
export async function buildBundle(request: BuildRequest, options: { write?: boolean } = {}): Promise<Metafile> {
  const result = await build({ ...OPTIONS, entryPoints: [request.entry], outfile: request.outfile, write: options.write ?? true, metafile: true });
  return result.metafile;
}

// run as a script (bundle.ts): build the request given as JSON, report failure by exit code
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const request = JSON.parse(process.argv[2] ?? '') as BuildRequest;
  try {
    await buildBundle(request);
  } catch (error) {
    // esbuild's message already lists every error with its file and line
    process.stderr.write((error as Error).message);
    process.exitCode = 1;
  }
}
