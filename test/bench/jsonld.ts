/**
 * jsonld benchmark: canonicalising (RDFC-1.0, safe mode, as signing and verifying do) a typical
 * exchange credential (an Open Badges 3.0 component credential: VC v2, OB 3.0.3 and the inline
 * EU context, with its proof) with stock jsonld 9.0.0 and with the patched one the exchange
 * installs (patches/jsonld@9.0.0.patch; stock from test/support/stock-jsonld.ts), in one
 * process, alternating in rounds so both see the same machine load. Printed: CPU ms per
 * credential for each and the ratio, with the exchange's document loader as it is and with one
 * that tags every context `static` (jsonld then keeps processed contexts across calls).
 *
 * `CX_BENCH_JSONLD` canonicalisations per variant and round (default 100), 5 rounds.
 */
import { buildOpenBadgeCredential, createDocumentLoader, messageStatusEntry, type DocumentLoader } from '@cx/credentials';
import { patchedJsonld, stockJsonld, type JsonLd } from '../support/stock-jsonld.js';
import { median, printTable } from './report.js';

export const name = 'jsonld';
export const description = 'canonicalising an exchange credential: stock vs patched jsonld 9.0.0, plain and static-tagged loader';

const PER_ROUND = Number(process.env.CX_BENCH_JSONLD ?? 100);
const ROUNDS = 5;
const WARM_UP = 20;
const PUBLIC_URL = 'https://exchange.example.eu';

function credential(): object {
  const entry = (kind: string, code: string) => `${PUBLIC_URL}/v1/institutions/uni-leiden/${kind}/${code}/versions/3`;
  const built = buildOpenBadgeCredential({
    publicUrl: PUBLIC_URL,
    id: 'urn:uuid:9d1213b4-bb67-4e82-a961-9ed009b7b8b1',
    issuer: { did: 'did:web:exchange.example.eu:institutions:uni-leiden', name: 'Universiteit Leiden', url: 'https://www.universiteitleiden.nl', country: 'NL', erasmusCode: 'NL LEIDEN01' },
    recipient: { name: 'Ada Lovelace', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
    achievement: {
      type: 'component',
      id: entry('components', 'CS-101'),
      entry: {
        code: 'CS-101',
        version: 3,
        title: 'Secure Software Development',
        description: 'Threat modelling, secure coding and code review for web applications.',
        learningOutcomes: ['Builds a threat model of a web application', 'Finds and fixes injection flaws in code review'],
        ects: 5,
        eqfLevel: 6,
        qfEheaCycle: 'first',
        iscedField: '0613',
        languages: ['en', 'nl'],
        assessment: { type: 'project', supervision: 'supervised-id-check' },
        participation: 'blended',
        qualityAssurance: 'Internal QA of the Faculty of Science; NVAO-accredited programme',
        url: 'https://www.universiteitleiden.nl/courses/cs-101',
      },
      stackableTowards: [{ id: entry('micro-degrees', 'MD-SEC'), name: 'Micro-degree in Software Security' }],
    },
    validFrom: '2025-06-30T10:00:00Z',
    validUntil: '2035-06-30T10:00:00Z',
    result: { grade: '8.5', ectsEarned: 5 },
    evidence: [{ name: 'Final project', narrative: 'A threat model and fixes for an open-source web shop.', url: 'https://example.org/projects/ada' }],
    status: messageStatusEntry({ statusListCredential: `${PUBLIC_URL}/status-lists/uni-leiden/message-1`, index: 142_424 }),
  });
  return {
    ...built,
    proof: [
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        created: '2025-06-30T10:00:00Z',
        verificationMethod: 'did:web:exchange.example.eu:institutions:uni-leiden#key-1',
        proofPurpose: 'assertionMethod',
        proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKuJ4D3TaQyGTEhZuV',
      },
    ],
  };
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

interface Variant {
  label: string;
  jsonld: JsonLd;
  documentLoader: DocumentLoader;
  samples: number[];
}

export async function run(): Promise<void> {
  const [stock, patched] = [await stockJsonld(), await patchedJsonld()];
  const plain = createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async (did) => Promise.reject(new Error(`no DID is resolved here: ${did}`)) });
  // a loader for each library: jsonld's static cache lives in its module instance
  const tagged = (): DocumentLoader => async (url) => ({ ...(await plain(url)), tag: 'static' }) as Awaited<ReturnType<DocumentLoader>>;
  const variants: Variant[] = [
    { label: 'stock jsonld, plain loader', jsonld: stock, documentLoader: plain, samples: [] },
    { label: 'patched jsonld, plain loader', jsonld: patched, documentLoader: plain, samples: [] },
    { label: 'stock jsonld, static-tagged loader', jsonld: stock, documentLoader: tagged(), samples: [] },
    { label: 'patched jsonld, static-tagged loader', jsonld: patched, documentLoader: tagged(), samples: [] },
  ];
  const document = credential();
  const canonize = (variant: Variant) =>
    variant.jsonld.canonize(document, { documentLoader: variant.documentLoader, safe: true, algorithm: 'RDFC-1.0', format: 'application/n-quads' });

  const outputs = new Set<string>();
  for (const variant of variants) for (let i = 0; i < WARM_UP; i++) outputs.add(await canonize(variant));
  if (outputs.size !== 1) throw new Error(`the four variants canonicalised the credential differently (${outputs.size} outputs)`);

  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const start = cpuMs();
      for (let i = 0; i < PER_ROUND; i++) await canonize(variant);
      variant.samples.push((cpuMs() - start) / PER_ROUND);
    }
  }

  const [stockPlain, patchedPlain, stockStatic, patchedStatic] = variants.map((variant) => median(variant.samples)) as [number, number, number, number];
  const quads = [...outputs][0]!.trim().split('\n').length;
  console.log(`one OB 3.0 component credential with its proof (${quads} quads), ${ROUNDS} rounds of ${PER_ROUND}; median of the rounds' CPU ms per canonicalisation\n`);
  printTable(
    ['variant', 'CPU ms / credential', 'vs stock, plain loader'],
    variants.map((variant, n) => {
      const value = [stockPlain, patchedPlain, stockStatic, patchedStatic][n]!;
      return [variant.label, value.toFixed(2), `${(value / stockPlain).toFixed(2)}x`];
    }),
  );
  console.log(`\npatched / stock: ${(patchedPlain / stockPlain).toFixed(2)}x with the exchange's loader, ${(patchedStatic / stockStatic).toFixed(2)}x with a static-tagged one`);
  console.log(`a static-tagged loader on the patched library: ${(patchedStatic / patchedPlain).toFixed(2)}x of the plain loader's CPU`);
}
