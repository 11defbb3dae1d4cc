/**
 * The patch of @digitalcredentials/base64url-universal 2.0.6 (patches/, pnpm's
 * patchedDependencies). In verifier-core's browser bundle the status list library's CommonJS
 * build (@digitalcredentials/vc-bitstring-status-list dist/, through @digitalcredentials/bitstring
 * dist/) `require`s this package; its "exports" send a require to dist/index.js, the Node build,
 * which decodes with Node's Buffer. The package's "browser" map names dist/browser.js instead,
 * but a bundler resolving through "exports" does not apply "browser" maps to the result
 * (esbuild by design), so in a browser every status list failed with "Buffer is not defined",
 * which verifier-core reports as "The status list couldn't be verified." The patch adds a
 * "browser" export condition naming the package's own browser build (lib/browser.js).
 *
 * These tests show that a browser bundle now takes that build, with no Buffer, and that it
 * encodes and decodes exactly as the Node build does. The fix is offered upstream as the same
 * one-line change to digitalcredentials/base64url-universal's package.json.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

type Codec = { encode(input: Uint8Array | string): string; decode(input: string): Uint8Array };

/** The copy verifier-core uses, found along its own dependency chain (pnpm keeps each package's dependencies beside it). */
function importerOfTheCodec(): string {
  let resolve = createRequire(import.meta.url).resolve;
  for (const name of ['@digitalcredentials/verifier-core', '@digitalcredentials/vc-bitstring-status-list']) resolve = createRequire(resolve(name)).resolve;
  return resolve('@digitalcredentials/bitstring');
}

let nodeBuild: Codec;
let browserBuild: Codec;
let bundledFiles: string[];

beforeAll(async () => {
  const bitstring = importerOfTheCodec();
  nodeBuild = createRequire(bitstring)('@digitalcredentials/base64url-universal') as Codec;
  // bundled as the verifier page is, required from where @digitalcredentials/bitstring's CommonJS build requires it
  const result = await build({
    stdin: { contents: "module.exports = require('@digitalcredentials/base64url-universal');", resolveDir: dirname(bitstring) },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'codec',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  bundledFiles = Object.keys(result.metafile.inputs);
  // a context with what a browser has for it (TextEncoder) and no Buffer; this realm's Uint8Array, so the test's bytes pass its instanceof check
  const sandbox: { codec?: Codec; TextEncoder: typeof TextEncoder; TextDecoder: typeof TextDecoder; Uint8Array: typeof Uint8Array } = { TextEncoder, TextDecoder, Uint8Array };
  runInNewContext(result.outputFiles[0]!.text, sandbox);
  browserBuild = sandbox.codec!;
});

describe('the patched @digitalcredentials/base64url-universal', () => {
  it('gives a browser bundle its browser build, not the Node build', () => {
    const files = bundledFiles.map((file) => relative(join(dirname(importerOfTheCodec()), '..'), file));
    expect(files.some((file) => file.endsWith(join('base64url-universal', 'lib', 'browser.js')))).toBe(true);
    expect(files.some((file) => file.endsWith(join('base64url-universal', 'dist', 'index.js')))).toBe(false);
    // the Node build's dependency, which decodes with Buffer
    expect(files.some((file) => /[/\\]base64url[/\\]/.test(file))).toBe(false);
  });

  it('encodes every length of bytes, and strings, exactly as the Node build does', () => {
    for (let length = 0; length < 300; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      expect(browserBuild.encode(bytes)).toBe(nodeBuild.encode(Buffer.from(bytes)));
    }
    for (const text of ['', 'a', 'status list', 'ünïcödé ✓', '{"alg":"EdDSA"}']) expect(browserBuild.encode(text)).toBe(nodeBuild.encode(text));
  });

  it('decodes what the Node build encodes (a gzipped status list among them) to the same bytes', () => {
    const samples = [...Array.from({ length: 300 }, (_, length) => randomBytes(length)), randomBytes(16_384)];
    for (const bytes of samples) {
      const encoded = nodeBuild.encode(bytes);
      expect(Buffer.from(browserBuild.decode(encoded))).toEqual(Buffer.from(nodeBuild.decode(encoded)));
    }
  });
});
