import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '@cx/runtime/topology';
import { createDocsFunctionApp } from '../../functions/docs/src/app.js';
import { sizeBudget, sizeGoal } from './bundle-budgets.js';
import { BUILT_FILES, bundleFunction, type Bundle } from './bundle.js';

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

  it("renders JSX with hono's runtime, as the tsconfig says, never React's", () => {
    expect(code).not.toContain('React.createElement');
  });

  it("leaves out jsonld's network client (undici): the exchange never lets jsonld fetch a document", () => {
    expect(code).not.toContain('undici');
  });

  it('is within its size budget: the goal, or while over it the ceiling bundle-budgets.ts gives with its reason', () => {
    expect(bundle.bytes).toBeLessThanOrEqual(sizeBudget(spec));
    // a ceiling is for a function still over the goal: one that reached it keeps it
    if (sizeBudget(spec) > sizeGoal(spec)) expect(bundle.bytes).toBeGreaterThan(sizeGoal(spec));
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
        BATCH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bundle-test',
        NOTICE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bundle-test-notices',
        MAIL_FROM: 'notices@exchange.example.eu',
        MAIL_CONFIGURATION_SET: 'bundle-test',
        CX_MAIL_RATE: '7',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('function');
  });
});

describe('the docs function', () => {
  const spec = FUNCTIONS.find((fn) => fn.name === 'docs')!;
  let bundle: Bundle;
  beforeAll(() => {
    bundle = bundleFunction(spec, mkdtempSync(join(tmpdir(), 'cx-bundle-')));
  });

  it("deploys Swagger UI's files beside its bundle rather than inside it", () => {
    expect(readdirSync(join(bundle.dir, 'swagger-ui')).sort()).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    expect(readFileSync(bundle.file, 'utf8')).not.toContain('webpackUniversalModuleDefinition');
  });

  it('serves them from there when invoked as Lambda invokes it', () => {
    const event = {
      version: '2.0',
      routeKey: 'GET /docs/{proxy+}',
      rawPath: '/docs/assets/swagger-ui.css',
      rawQueryString: '',
      headers: { host: 'exchange.example.eu' },
      requestContext: { http: { method: 'GET', path: '/docs/assets/swagger-ui.css', sourceIp: '192.0.2.1' }, requestId: 'bundle-test', stage: '$default' },
      isBase64Encoded: false,
    };
    const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); const r = await m.handler(${JSON.stringify(event)}, {}); console.log(JSON.stringify({ status: r.statusCode, type: r.headers['content-type'], bytes: r.body.length }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, CX_PUBLIC_URL: 'https://exchange.example.eu', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        encoding: 'utf8',
      }),
    );
    expect(out).toEqual({ status: 200, type: 'text/css; charset=utf-8', bytes: readFileSync(join(bundle.dir, 'swagger-ui', 'swagger-ui.css'), 'utf8').length });
  });

  it('serves the OpenAPI document built when bundling, the one the exchange builds in process', async () => {
    const event = {
      version: '2.0',
      routeKey: 'GET /openapi.json',
      rawPath: '/openapi.json',
      rawQueryString: '',
      headers: { host: 'exchange.example.eu' },
      requestContext: { http: { method: 'GET', path: '/openapi.json', sourceIp: '192.0.2.1' }, requestId: 'bundle-test', stage: '$default' },
      isBase64Encoded: false,
    };
    const script = `const m = await import(${JSON.stringify(pathToFileURL(bundle.file).href)}); const r = await m.handler(${JSON.stringify(event)}, {}); console.log(JSON.stringify({ status: r.statusCode, type: r.headers['content-type'], body: r.body }));`;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, CX_PUBLIC_URL: 'https://exchange.example.eu', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        encoding: 'utf8',
      }),
    ) as { status: number; type: string; body: string };
    const inProcess = await createDocsFunctionApp({ publicUrl: 'https://exchange.example.eu' }).request('/openapi.json');

    expect(readdirSync(bundle.dir)).toContain(BUILT_FILES.docs!.file);
    expect({ status: out.status, type: out.type }).toEqual({ status: 200, type: 'application/json' });
    const served = JSON.parse(out.body) as { servers: unknown; paths: Record<string, unknown> };
    expect(served.servers).toEqual([{ url: 'https://exchange.example.eu' }]);
    expect(Object.keys(served.paths).length).toBeGreaterThan(40);
    expect(out.body).toBe(await inProcess.text());
  });

  it('is the only function deploying files beside its bundle', () => {
    expect(FUNCTIONS.filter((fn) => fn.files).map((fn) => fn.name)).toEqual(['docs']);
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
