import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectProblem } from '../../../test/support/problem.js';
import { createDocsFunctionApp, swaggerUiPackageDir } from './app.js';

const app = createDocsFunctionApp({ publicUrl: 'http://localhost:3000' });

/** Every address a page's markup loads or links to: src and href attributes. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
}

describe('the API reference page', () => {
  it('loads only files the exchange serves itself, never a CDN', async () => {
    const page = await app.request('/docs');

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const urls = referencedUrls(await page.text());
    expect(urls).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']));
    for (const url of urls) expect(url, url).toMatch(/^\/[^/]/);
  });

  it('is served under a policy that allows no third-party origin and no inline script', async () => {
    const page = await app.request('/docs');

    const policy = page.headers.get('content-security-policy');
    expect(policy).toBeTruthy();
    const directives = Object.fromEntries(policy!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    // the exchange itself, and the public URL the document's server names
    expect(directives['connect-src']).toEqual(["'self'", 'http://localhost:3000']);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*|https:(?!\/\/)/);
  });

  it.each([
    ['swagger-ui-bundle.js', 'text/javascript'],
    ['swagger-ui.css', 'text/css'],
  ])('serves %s from the pinned swagger-ui-dist package as %s', async (name, type) => {
    const response = await app.request(`/docs/assets/${name}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(swaggerUiPackageDir(), name)))).toBe(true);
  });

  it('starts Swagger UI from a script file on the description at /openapi.json, without the online validator', async () => {
    const response = await app.request('/docs/assets/init.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const script = await response.text();
    expect(script).toContain("url: '/openapi.json'");
    expect(script).toContain('validatorUrl: null');
  });

  it('reads the files from the folder it is given, as the Lambda bundle deploys them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-swagger-ui-'));
    writeFileSync(join(dir, 'swagger-ui.css'), '.deployed{}');
    const deployed = createDocsFunctionApp({ publicUrl: 'https://exchange.example.eu' }, { swaggerUiDir: dir });

    const response = await deployed.request('/docs/assets/swagger-ui.css');

    expect(await response.text()).toBe('.deployed{}');
  });

  it('answers 404 as a problem document for any other file, the package.json and paths out of the folder included', async () => {
    for (const path of ['/docs/assets/package.json', '/docs/assets/..%2Fpackage.json', '/docs/assets/index.html', '/docs/other']) {
      await expectProblem(await app.request(path), 404);
    }
  });
});

describe('the merged OpenAPI document', () => {
  it('describes the wallet protocols beside the API: the VC API exchanges and the OpenID4VCI endpoints', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, unknown> };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/exchanges/{exchangeId}', '/institutions/{id}/oid4vci/token', '/institutions/{id}/oid4vci/credential', '/institutions/{id}/oid4vci/nonce']),
    );
  });
});
