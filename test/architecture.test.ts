/**
 * The layering, checked on every file's import statements: AWS SDK packages are imported only
 * by the adapters (store, signing, runtime, local, infra) and the tests that rehearse an AWS
 * service through a mocked client, and the domain and core import
 * no adapter, no runtime and no web framework. A failure names each file and what it imports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['packages', 'functions', 'infra', 'test'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'cdk.out', '.git']);

/** Every TypeScript file under the source folders, relative to the repository root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports or re-exports, type-only and dynamic imports included. */
export function importedModules(code: string): string[] {
  const specifiers = [
    ...code.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return [...new Set(specifiers.map((match) => match[1]!))];
}

const FILES = SOURCE_DIRS.flatMap((dir) => sourceFiles(dir)).map((file) => ({
  file: relative(ROOT, join(ROOT, file)),
  imports: importedModules(readFileSync(join(ROOT, file), 'utf8')),
}));

/** `file: module, module` for each file under `where` importing a module `forbidden` matches. */
function violations(where: (file: string) => boolean, forbidden: (module: string) => boolean): string[] {
  return FILES.filter(({ file }) => where(file)).flatMap(({ file, imports }) => {
    const bad = imports.filter(forbidden);
    return bad.length ? [`${file}: ${bad.join(', ')}`] : [];
  });
}

const AWS_ADAPTERS = ['packages/store/', 'packages/signing/', 'packages/runtime/', 'packages/local/', 'infra/'];
/**
 * Tests whose subject is an AWS service's behaviour, rehearsed through a mocked SDK client
 * because no engine here serves it: SES throttling a graduation run's notices.
 */
const AWS_REHEARSALS = ['test/e2e/graduation-notices.int.test.ts'];
const isAwsSdk = (module: string) => module.startsWith('@aws-sdk/') || module === 'aws-sdk-client-mock';

describe('the import rules', () => {
  it('find the imports of every kind of statement', () => {
    const code = [
      "import { a } from '@aws-sdk/client-kms';",
      "import type { B } from '@cx/store';",
      "export * from 'hono';",
      "import 'side-effect';",
      "const lazy = await import('@cx/runtime');",
      "import {\n  c,\n  d,\n} from '@aws-sdk/client-sqs';",
    ].join('\n');
    expect(importedModules(code).sort()).toEqual(['@aws-sdk/client-kms', '@aws-sdk/client-sqs', '@cx/runtime', '@cx/store', 'hono', 'side-effect']);
  });

  it('see the source tree', () => {
    expect(FILES.some(({ file }) => file === 'packages/runtime/src/lambda-store.ts')).toBe(true);
  });

  it('leave the AWS SDK to the adapter packages', () => {
    expect(violations((file) => !AWS_ADAPTERS.some((dir) => file.startsWith(dir)) && !AWS_REHEARSALS.includes(file), isAwsSdk)).toEqual([]);
  });

  it('keep the domain and core free of adapters, the runtime and hono', () => {
    const forbidden = (module: string) =>
      isAwsSdk(module) || ['@cx/store', '@cx/runtime', 'hono'].some((name) => module === name || module.startsWith(`${name}/`));
    expect(violations((file) => file.startsWith('packages/domain/') || file.startsWith('packages/core/'), forbidden)).toEqual([]);
  });

  it('keep the message catalogues (@cx/i18n) free of every other package, so the domain, core and pages can all use them', () => {
    const forbidden = (module: string) => module.startsWith('@cx/') || module.startsWith('@aws-sdk/') || module === 'hono' || module.startsWith('hono/') || module === 'zod';
    expect(violations((file) => file.startsWith('packages/i18n/'), forbidden)).toEqual([]);
  });
});
