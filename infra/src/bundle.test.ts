import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '@cx/runtime/topology';
import { bundleFunction, type Bundle } from './bundle.js';

/** Static imports left in a bundle: only Node.js built-ins may remain. */
function importedModules(code: string): string[] {
  return [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)].map((match) => match[1]!);
}

describe.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))('the bundle of the %s function', (_name, spec) => {
  let bundle: Bundle;
  let code: string;
  beforeAll(() => {
    bundle = bundleFunction(spec, mkdtempSync(join(tmpdir(), 'cx-bundle-')));
    code = readFileSync(bundle.file, 'utf8');
  });

  it('is one ESM file that gives its CommonJS dependencies a real require', () => {
    expect(bundle.file.endsWith('index.mjs')).toBe(true);
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
  });

  it('carries its dependencies, the AWS SDK included, importing only Node.js built-ins', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((module) => `node:${module}`)]);
    expect(importedModules(code).filter((module) => !builtins.has(module))).toEqual([]);
  });

  it('loads in a fresh Node.js process and exports the Lambda handler', () => {
    const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); console.log(typeof m.handler);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH,
        TABLE_NAME: 'bundle-test',
        CX_PUBLIC_URL: 'https://exchange.example.eu',
        CX_CONSORTIUM: 'test-consortium',
        AWS_REGION: 'eu-west-1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('function');
  });
});

describe('bundling', () => {
  // determinism comes from the build options and the pinned toolchain, not from one
  // function's code: one function shows it without bundling every function twice
  it('gives the same bytes when run again, so an unchanged function is not redeployed', () => {
    const [first, second] = [1, 2].map(() => readFileSync(bundleFunction(FUNCTIONS[0]!, mkdtempSync(join(tmpdir(), 'cx-bundle-'))).file));
    expect(first!.equals(second!)).toBe(true);
  });
});
