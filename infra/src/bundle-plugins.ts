/**
 * esbuild plugins of the Lambda bundles (bundle-build.ts applies them). Each replaces or
 * drops code a Lambda function never runs, and says why; none changes what a function does.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

const STUBS = join(dirname(new URL(import.meta.url).pathname), 'stubs');

/** Marks a resolution the plugin asked esbuild for itself, so the plugin does not see it again. */
const OWN = Symbol('own resolution');

/**
 * The AWS SDK's default credential chain, replaced by the environment alone
 * (stubs/lambda-credentials.mjs says why). The stub is loaded with the real package's folder
 * as its base, so its one import resolves to the env provider that package depends on.
 */
export const lambdaCredentials: Plugin = {
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
      if (args.pluginData === OWN) return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: OWN });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lambda-credentials' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, (args) => ({
      contents: readFileSync(join(STUBS, 'lambda-credentials.mjs'), 'utf8'),
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * zod's error messages in English only. `zod` exports its locales as one namespace
 * (`z.locales`, about 195 KB minified of 40-odd languages), and importing `z` keeps all of
 * them although the exchange never calls `z.config(z.locales.xx())`: English is zod's default
 * and the only language the exchange's problem documents speak. The namespace keeps `en`.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](?:classic|core)$/.test(args.resolveDir)) return undefined;
      return { path: join(args.resolveDir, '..', 'locales', 'index.js'), namespace: 'zod-english-only' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The workspace's own modules are never imported for an effect alone (no bare `import './x'`;
 * bundle-plugins.test.ts checks every source file), so a module none of whose exports a
 * function uses is left out of its bundle, as with a package declaring `"sideEffects": false`:
 * the verify function no longer carries, say, the catalogue's contract. A module whose exports
 * are used is bundled whole, as before.
 */
export function workspaceWithoutSideEffects(root: string): Plugin {
  const workspaceSource = new RegExp(`^${escape(root)}(?:packages|functions)/[^/]+/src/`);
  return {
    name: 'workspace-without-side-effects',
    setup(build) {
      build.onResolve({ filter: /^(?:@cx\/|\.)/ }, async (args) => {
        if (args.pluginData === OWN || args.kind === 'entry-point') return undefined;
        if (!workspaceSource.test(args.importer)) return undefined;
        const real = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: OWN });
        if (real.errors.length) return { errors: real.errors };
        return { path: real.path, namespace: real.namespace, external: real.external, sideEffects: workspaceSource.test(real.path) ? false : real.sideEffects };
      });
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
