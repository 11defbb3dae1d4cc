/**
 * The patch of jsonld 9.0.0 (patches/jsonld@9.0.0.patch, pnpm's patchedDependencies) changes
 * how active contexts are copied: a clone shares the term definitions and the previous context
 * instead of deep-copying them, and reverting a type-scoped context, or preparing an active
 * context for a non-propagating one, gives the same copy each time, so jsonld's
 * processed-context cache (keyed by the active context's identity) hits instead of processing
 * the same contexts again (digitalbazaar/jsonld.js#414). An `@import` is merged every time
 * instead of being cached by active context: with active contexts reused, that cache would
 * hand one importing context another's merge (stock jsonld already does where an active
 * context repeats; the last test shows it).
 *
 * It must change nothing else. These tests run the patched library (the one installed) and the
 * stock one (test/support/stock-jsonld.ts: the installed package with the patch reversed) on
 * the same generated documents (test/interop/jsonld-documents.ts: the exchange's credential
 * shapes and synthetic documents exercising scoped, protected and propagating contexts) and
 * require byte-identical expansions and RDFC-1.0 N-Quads, or the same error, for every one;
 * with a plain document loader (what the exchange runs) and one tagging its contexts
 * `static` (jsonld then keeps processed contexts across calls, where shared contexts could
 * leak between documents if the patch mutated one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installedJsonldDir, patchedJsonld, stockJsonld, stockJsonldDir, type JsonLd, type JsonLdOptions } from '../support/stock-jsonld.js';
import { generateDocuments, testContexts, testLoader, type GeneratedDocument } from './jsonld-documents.js';

const DOCUMENTS = 1_000;
const SEED = 414;

let stock: JsonLd;
let patched: JsonLd;

beforeAll(async () => {
  stock = await stockJsonld();
  patched = await patchedJsonld();
});

/** What an operation gave: its output as text, or its error as jsonld reports it (name, message, code). */
async function outcome(operation: () => Promise<unknown>): Promise<string> {
  try {
    const result = await operation();
    return typeof result === 'string' ? result : JSON.stringify(result);
  } catch (error) {
    const { name, message, details } = error as { name?: string; message?: string; details?: { code?: string } };
    return `error ${name}: ${message} (${details?.code ?? 'no code'})`;
  }
}

describe('the stock copy of jsonld', () => {
  it('is the installed package with the patch reversed, not the patched code', () => {
    const file = (dir: string) => readFileSync(join(dir, 'lib', 'context.js'), 'utf8');
    expect(file(installedJsonldDir())).toContain('this._revertedContext');
    expect(file(installedJsonldDir())).toContain('activeCtx._nonPropagating');
    expect(file(stockJsonldDir())).not.toContain('this._revertedContext');
    expect(file(stockJsonldDir())).toContain('return this.previousContext.clone();');
    // the patch touches lib/context.js only
    const otherFile = (dir: string) => readFileSync(join(dir, 'lib', 'expand.js'), 'utf8');
    expect(otherFile(stockJsonldDir())).toBe(otherFile(installedJsonldDir()));
  });

  it('is a separate module instance from the patched library', () => {
    expect(stock).not.toBe(patched);
    expect(stock.expand).not.toBe(patched.expand);
  });
});

describe('the patched jsonld', () => {
  const { documents, contexts } = generateDocuments(DOCUMENTS, SEED);
  const served = testContexts(contexts);

  // each library keeps its own static-context cache across the documents, in the same order
  const loaders = {
    plain: testLoader(served, { tagStatic: false }),
    static: { stock: testLoader(served, { tagStatic: true }), patched: testLoader(served, { tagStatic: true }) },
  };

  const options = (document: GeneratedDocument, loader: JsonLdOptions['documentLoader']): JsonLdOptions => ({
    documentLoader: loader,
    safe: document.safe,
    ...(document.base !== undefined ? { base: document.base } : {}),
  });

  it(`expands and canonicalises ${DOCUMENTS} generated documents exactly as stock jsonld does`, async () => {
    const differences: string[] = [];
    const tally = { outputs: 0, errors: 0, quads: 0, exchangeDocuments: 0 };
    const cpu = process.cpuUsage();
    for (const [n, generated] of documents.entries()) {
      // a third with the plain loader the exchange runs, the rest with static contexts
      const tagged = n % 3 !== 0;
      const loaderFor = (library: 'stock' | 'patched') => (tagged ? loaders.static[library] : loaders.plain);
      for (const operation of ['expand', 'canonize'] as const) {
        const run = (library: JsonLd, name: 'stock' | 'patched') =>
          outcome(() =>
            operation === 'expand'
              ? library.expand(structuredClone(generated.document), options(generated, loaderFor(name)))
              : library.canonize(structuredClone(generated.document), { ...options(generated, loaderFor(name)), algorithm: 'RDFC-1.0', format: 'application/n-quads' }),
          );
        const expected = await run(stock, 'stock');
        const actual = await run(patched, 'patched');
        if (actual !== expected) differences.push(`${generated.name} (${operation}, ${tagged ? 'static' : 'plain'} loader):\n  stock   ${expected.slice(0, 300)}\n  patched ${actual.slice(0, 300)}`);
        if (expected.startsWith('error ')) {
          tally.errors++;
          // the exchange's own shapes are valid JSON-LD, in safe mode: an error there is the generator's fault
          if (generated.safe) differences.push(`${generated.name} (${operation}) failed in stock jsonld too: ${expected}`);
        } else tally.outputs++;
        if (operation === 'canonize' && !expected.startsWith('error ')) tally.quads += expected.split('\n').length - 1;
      }
      if (generated.safe) tally.exchangeDocuments++;
    }
    const { user, system } = process.cpuUsage(cpu);
    console.log(`${documents.length} documents, ${tally.outputs} outputs, ${tally.errors} errors alike, ${tally.quads} quads; ${((user + system) / 1e6).toFixed(1)} s CPU`);
    expect(differences.slice(0, 5).join('\n')).toBe('');
    // the documents exercise jsonld: mostly real output, some refusals, every exchange shape canonicalises
    expect(tally.exchangeDocuments).toBeGreaterThanOrEqual(DOCUMENTS / 10);
    expect(tally.outputs).toBeGreaterThan(tally.errors * 3);
    expect(tally.errors).toBeGreaterThan(0);
    expect(tally.quads).toBeGreaterThan(DOCUMENTS * 10);
  }, 180_000);
});

describe('@import in the patched jsonld', () => {
  // two node contexts importing the same context, each processed on the same active context
  const imported = 'https://contexts.example.org/base.jsonld';
  const documentLoader = async (url: string) => ({ contextUrl: null, documentUrl: url, document: { '@context': { shared: 'http://imported.example/#shared' } } });
  const document = {
    '@context': { '@version': 1.1, '@vocab': 'http://vocab.example/' },
    '@graph': [
      { '@context': { '@import': imported, own: 'http://first.example/own' }, own: 'first', shared: 'x' },
      { '@context': { '@import': imported, own: 'http://second.example/own' }, own: 'second', shared: 'y' },
    ],
  };

  it('gives each importing context its own terms and the imported ones', async () => {
    const expanded = JSON.stringify(await patched.expand(structuredClone(document), { documentLoader }));
    expect(JSON.parse(expanded)).toEqual([
      { 'http://first.example/own': [{ '@value': 'first' }], 'http://imported.example/#shared': [{ '@value': 'x' }] },
      { 'http://second.example/own': [{ '@value': 'second' }], 'http://imported.example/#shared': [{ '@value': 'y' }] },
    ]);
  });

  it("where stock jsonld gives the second importing context the first one's merge (the upstream bug the patch fixes)", async () => {
    const expanded = (await stock.expand(structuredClone(document), { documentLoader })) as Array<Record<string, unknown>>;
    expect(expanded[1]).toHaveProperty(['http://first.example/own']);
    expect(expanded[1]).not.toHaveProperty(['http://second.example/own']);
  });
});
