/**
 * Generated JSON-LD documents for comparing two jsonld implementations
 * (test/interop/jsonld-patch-equivalence.test.ts): deterministic from a seed, varied where
 * jsonld's context processing branches. Two families:
 *
 * - the exchange's own shapes: Open Badges 3.0 component, badge and micro-degree credentials
 *   (built by @cx/credentials, the EU context inline or by URL), with Data Integrity proofs,
 *   inside presentations, status list credentials, recognition records;
 * - synthetic documents: random contexts (inline, by URL, in arrays, relative context URLs,
 *   `@import`) with `@vocab` (absolute and relative), `@base`, `@language`, `@direction`,
 *   `@protected`, prefixes, keyword aliases, typed and coerced terms, every container
 *   (`@list`, `@set`, `@language`, `@index`, `@id`, `@type`, `@graph`), reverse properties,
 *   `@nest`, null terms, property-scoped and type-scoped contexts nested in each other with
 *   `@propagate` true and false; nodes with relative, blank and absolute ids, value objects,
 *   language maps, `@list`, `@graph`, `@included` and `@reverse`.
 *
 * Some synthetic documents are invalid JSON-LD on purpose (a protected term redefined, a
 * context nullified over protected terms): both implementations must then fail alike.
 */
import {
  buildOpenBadgeCredential,
  euContextUrl,
  EU_MICROCREDENTIAL_CONTEXT_V1,
  messageStatusEntry,
  RECOGNITION_CONTEXT_V1,
  RECOGNITION_INLINE_CONTEXT,
  recognitionContextUrl,
  STATIC_CONTEXTS,
  statusEntry,
  statusListCredential,
  VC_EXAMPLES_V2_CONTEXT_URL,
  VC_V1_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
  OB_V3_CONTEXT_URL,
  DATA_INTEGRITY_V2_CONTEXT_URL,
  type AchievementInput,
  type OpenBadgeInput,
} from '@cx/credentials';

type Json = Record<string, unknown>;

export interface GeneratedDocument {
  /** What the document is, for a failing test's message: `credential 12`, `synthetic 431`. */
  name: string;
  document: Json;
  /** The `base` option to expand and canonicalise with (undefined: jsonld's default). */
  base?: string;
  /** JSON-LD safe mode, as the exchange signs and verifies (its own shapes only). */
  safe: boolean;
}

export const PUBLIC_URL = 'https://exchange.example.eu';
const CTX = 'https://contexts.example.org/';

/** A seeded PRNG (mulberry32): the same seed gives the same documents on every run. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
    some: <T>(items: readonly T[], max = items.length): T[] => items.filter(() => next() < max / items.length / 1.5).slice(0, max),
  };
}
type Random = ReturnType<typeof prng>;

// --- contexts served by URL ---------------------------------------------------------------

/** Fixed test contexts, by URL, beside the bundled ones: a scoped one, an @import pair, a relative reference. */
const FIXED_CONTEXTS: Record<string, Json> = {
  [`${CTX}scoped.jsonld`]: {
    '@context': {
      '@version': 1.1,
      '@protected': true,
      id: '@id',
      type: '@type',
      ex: 'http://example.org/',
      Person: { '@id': 'ex:Person', '@context': { fullName: 'http://schema.org/name', knows: { '@id': 'ex:knows', '@type': '@id' } } },
      Org: { '@id': 'ex:Org', '@context': { '@propagate': true, member: { '@id': 'ex:member', '@container': '@set' }, orgName: 'ex:orgName' } },
      Tag: { '@id': 'ex:Tag', '@context': { '@propagate': false, label: { '@id': 'ex:label', '@language': 'en' } } },
      profile: { '@id': 'ex:profile', '@context': { homepage: { '@id': 'ex:homepage', '@type': '@id' }, profileName: 'ex:profileName' } },
    },
  },
  [`${CTX}import-base.jsonld`]: {
    '@context': { imported: { '@id': 'http://imported.example/#imported', '@type': '@id' }, shared: 'http://imported.example/#shared' },
  },
  [`${CTX}importer.jsonld`]: { '@context': { '@version': 1.1, '@import': `${CTX}import-base.jsonld`, shared: 'http://importer.example/#shared' } },
  // relative context URLs, resolved against this document's URL
  [`${CTX}nested/relative.jsonld`]: { '@context': ['../scoped.jsonld', 'sibling.jsonld'] },
  [`${CTX}nested/sibling.jsonld`]: { '@context': { '@version': 1.1, extra: { '@id': 'http://example.org/extra', '@context': '../import-base.jsonld' } } },
};

/** Every context the test loader serves: the bundled ones, the exchange's own, the fixed and the generated test contexts. */
export function testContexts(generated: ReadonlyMap<string, Json>): Map<string, Json> {
  const contexts = new Map<string, Json>(STATIC_CONTEXTS as ReadonlyMap<string, Json>);
  contexts.set(euContextUrl(PUBLIC_URL), EU_MICROCREDENTIAL_CONTEXT_V1 as unknown as Json);
  contexts.set(recognitionContextUrl(PUBLIC_URL), RECOGNITION_CONTEXT_V1 as unknown as Json);
  for (const [url, context] of Object.entries(FIXED_CONTEXTS)) contexts.set(url, context);
  for (const [url, context] of generated) contexts.set(url, context);
  return contexts;
}

/**
 * A document loader over `contexts`. Each load answers a fresh copy: jsonld resolves relative
 * context URLs in place in what it loads, and the two implementations must not share objects.
 * `tag: 'static'` lets jsonld keep resolved and processed contexts across calls.
 */
export function testLoader(contexts: ReadonlyMap<string, Json>, { tagStatic }: { tagStatic: boolean }) {
  return async (url: string) => {
    const document = contexts.get(url);
    if (!document) throw new Error(`test loader: no document ${url}`);
    return { contextUrl: null, documentUrl: url, document: structuredClone(document), ...(tagStatic ? { tag: 'static' } : {}) };
  };
}

// --- the exchange's own shapes ----------------------------------------------------------------

const WORDS = ['secure', 'software', 'data', 'ethics', 'networks', 'design', 'law', 'history', 'statistics', 'mentoring', 'ünïcödé ✓', 'façade'];
const words = (r: Random, n: number) => Array.from({ length: n }, () => r.pick(WORDS)).join(' ');
const hex = (r: Random, n: number) => Array.from({ length: n }, () => r.int(16).toString(16)).join('');
const uuid = (r: Random) => `urn:uuid:${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
const date = (r: Random) => `20${20 + r.int(15)}-0${1 + r.int(9)}-1${r.int(9)}T${10 + r.int(10)}:00:00Z`;

function openBadgeInput(r: Random): OpenBadgeInput {
  const institution = r.pick(['uni-leiden', 'uni-ghent', 'uni-bologna']);
  const entry = (kind: string, code: string, version: number) => `${PUBLIC_URL}/v1/institutions/${institution}/${kind}/${code}/versions/${version}`;
  const code = `${r.pick(['CS', 'LAW', 'MED', 'ART'])}-${100 + r.int(900)}`;
  const version = 1 + r.int(5);
  const kind = r.pick(['component', 'badge', 'micro-degree'] as const);
  let achievement: AchievementInput;
  if (kind === 'component') {
    achievement = {
      type: 'component',
      id: entry('components', code, version),
      entry: {
        code,
        version,
        title: words(r, 3),
        description: words(r, 8),
        learningOutcomes: Array.from({ length: 1 + r.int(3) }, () => words(r, 5)),
        ects: 1 + r.int(30),
        eqfLevel: 4 + r.int(5),
        qfEheaCycle: r.pick(['short', 'first', 'second', 'third']),
        iscedField: r.pick(['0613', '0421', '0912', '02']),
        languages: r.pick([['en'], ['en', 'nl'], ['it']]),
        assessment: { type: r.pick(['exam', 'project']), supervision: r.pick(['supervised-id-check', 'unsupervised']) },
        participation: r.pick(['online', 'onsite', 'blended']),
        ...(r.chance(0.5) ? { qualityAssurance: words(r, 6) } : {}),
        ...(r.chance(0.5) ? { prerequisites: words(r, 4) } : {}),
        ...(r.chance(0.5) ? { url: `https://www.${institution}.example/courses/${code}` } : {}),
      } as never,
      ...(r.chance(0.6) ? { stackableTowards: [{ id: entry('micro-degrees', 'MD-1', 1), name: words(r, 3) }] } : {}),
    };
  } else if (kind === 'badge') {
    achievement = {
      type: 'badge',
      id: entry('badges', code, version),
      entry: {
        code,
        version,
        name: words(r, 2),
        description: words(r, 6),
        category: r.pick(['social-engagement', 'language', 'digital']),
        criteria: words(r, 7),
        alignments: r.chance(0.5) ? [{ targetName: words(r, 2), targetUrl: 'http://data.europa.eu/esco/skill/example' }] : [],
      } as never,
    };
  } else {
    achievement = {
      type: 'micro-degree',
      id: entry('micro-degrees', code, version),
      entry: {
        code,
        version,
        title: words(r, 3),
        description: words(r, 6),
        learningOutcomes: [words(r, 5)],
        eqfLevel: 6,
        requirement: r.pick([{ type: 'all' }, { type: 'at-least', count: 2 }, { type: 'min-ects', ects: 10 }]),
        totalEcts: 15,
      } as never,
      components: Array.from({ length: 1 + r.int(3) }, (_, n) => ({ id: entry('components', `C-${n}`, 1), name: words(r, 2), ects: 5 })),
    };
  }
  const statusList = `${PUBLIC_URL}/status-lists/${institution}/${r.pick(['message-1', 'revocation-2'])}`;
  return {
    publicUrl: PUBLIC_URL,
    id: uuid(r),
    issuer: {
      did: `did:web:exchange.example.eu:institutions:${institution}`,
      name: words(r, 2),
      url: `https://www.${institution}.example`,
      country: r.pick(['NL', 'BE', 'IT']),
      ...(r.chance(0.7) ? { erasmusCode: `NL ${institution.toUpperCase()}01` } : {}),
    },
    recipient: r.chance(0.5)
      ? { name: words(r, 2), did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }
      : { name: words(r, 2), email: 'ada@example.org', salt: hex(r, 8) },
    achievement,
    validFrom: date(r),
    ...(r.chance(0.5) ? { validUntil: '2040-01-01T00:00:00Z' } : {}),
    ...(kind !== 'badge' ? { result: { ...(r.chance(0.7) ? { grade: String(6 + r.int(4)) } : {}), ectsEarned: 5 } } : {}),
    ...(r.chance(0.5) ? { evidence: [{ name: words(r, 2), narrative: words(r, 8), ...(r.chance(0.5) ? { url: 'https://example.org/projects/x' } : {}) }] } : {}),
    status: r.chance(0.5)
      ? messageStatusEntry({ statusListCredential: statusList, index: 131_072 + r.int(131_072) })
      : statusEntry({ statusListCredential: statusList, index: r.int(131_072), purpose: r.pick(['revocation', 'suspension'] as const) }),
  };
}

const proof = (r: Random, credentialId: string) => ({
  type: 'DataIntegrityProof',
  cryptosuite: 'eddsa-rdfc-2022',
  created: date(r),
  verificationMethod: `did:web:exchange.example.eu:institutions:uni-leiden#key-${1 + r.int(3)}`,
  proofPurpose: 'assertionMethod',
  proofValue: `z${hex(r, 86)}`,
  ...(r.chance(0.2) ? { id: `${credentialId}#proof` } : {}),
});

function exchangeDocument(r: Random): Json {
  const shape = r.int(10);
  if (shape <= 4) {
    const credential = buildOpenBadgeCredential(openBadgeInput(r)) as unknown as Json;
    // credentials issued before the EU context was embedded name it by URL
    if (r.chance(0.25)) credential['@context'] = [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, euContextUrl(PUBLIC_URL)];
    if (r.chance(0.6)) credential.proof = Array.from({ length: 1 + r.int(2) }, () => proof(r, String(credential.id)));
    return credential;
  }
  if (shape <= 6) {
    const credentials = Array.from({ length: 1 + r.int(2) }, () => ({ ...(buildOpenBadgeCredential(openBadgeInput(r)) as unknown as Json), proof: [proof(r, 'urn:x')] }));
    return {
      '@context': [VC_V2_CONTEXT_URL, ...(r.chance(0.5) ? [DATA_INTEGRITY_V2_CONTEXT_URL] : [])],
      type: ['VerifiablePresentation'],
      ...(r.chance(0.5) ? { id: uuid(r) } : {}),
      holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
      verifiableCredential: credentials.length === 1 && r.chance(0.5) ? credentials[0] : credentials,
      ...(r.chance(0.5) ? { proof: { ...proof(r, 'urn:p'), proofPurpose: 'authentication', challenge: hex(r, 16), domain: PUBLIC_URL } } : {}),
    };
  }
  if (shape <= 8) {
    const list = statusListCredential({
      id: `${PUBLIC_URL}/status-lists/uni-leiden/${r.pick(['message', 'revocation', 'suspension'])}-${r.int(9)}`,
      issuer: 'did:web:exchange.example.eu:institutions:uni-leiden',
      statusPurpose: r.pick(['revocation', 'suspension', 'message'] as const),
      encodedList: `u${hex(r, 40)}`,
      validFrom: date(r),
      ...(r.chance(0.5) ? { validUntil: '2040-01-01T00:00:00Z' } : {}),
    }) as unknown as Json;
    if (r.chance(0.5)) list.proof = [proof(r, String(list.id))];
    return list;
  }
  return {
    '@context': [VC_V2_CONTEXT_URL, r.chance(0.5) ? RECOGNITION_INLINE_CONTEXT : recognitionContextUrl(PUBLIC_URL)],
    id: uuid(r),
    type: ['VerifiableCredential', 'RecognitionRecord'],
    issuer: 'did:web:exchange.example.eu:institutions:uni-ghent',
    validFrom: date(r),
    credentialSubject: {
      type: 'RecognitionSubject',
      transfer: `${PUBLIC_URL}/v1/transfers/${hex(r, 12)}`,
      studentName: words(r, 2),
      recognisedItems: Array.from({ length: r.int(3) }, () => ({
        type: 'RecognisedItem',
        originalCredential: uuid(r),
        originalIssuer: 'did:web:exchange.example.eu:institutions:uni-leiden',
        ectsRecognised: 5,
        recognisedAs: 'CS-101',
      })),
      rejectedItems: r.chance(0.5) ? [{ type: 'RejectedItem', originalCredential: uuid(r), substantialDifference: 'level', justification: words(r, 6) }] : [],
      decidedAt: date(r),
    },
    ...(r.chance(0.5) ? { proof: [proof(r, 'urn:r')] } : {}),
  };
}

// --- synthetic documents --------------------------------------------------------------------

const TERMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'label', 'items', 'ref'];
const TYPES = ['T1', 'T2', 'T3', 'T4', 'T5'];
// what nodes use: the generated terms and types, and those the fixed contexts define
const NODE_TERMS = [...TERMS, 'knows', 'member', 'profile', 'homepage', 'fullName', 'orgName', 'imported', 'shared', 'extra', 'undefinedTerm', 'http://example.org/direct'];
const NODE_TYPES = [...TYPES, 'Person', 'Org', 'Tag'];
const CONTAINERS: unknown[] = ['@list', '@set', '@language', '@index', '@id', '@type', '@graph', ['@graph', '@index'], ['@graph', '@id'], ['@set', '@index']];
const VOCABS: unknown[] = ['http://vocab.example/#', 'http://vocab.example/v/', '#', '', 'ex:', null];
const BASES = ['http://base.example/a/b/', 'other/', '../up', null];

function termDefinition(r: Random, term: string, depth: number, urls: string[]): unknown {
  const id = r.pick([`ex:${term}`, `http://terms.example/${term}`, `ex:alt-${term}`]);
  switch (r.int(14)) {
    case 0:
      return id;
    case 1:
      return { '@id': id, '@type': r.pick(['@id', '@vocab', 'http://www.w3.org/2001/XMLSchema#integer', 'ex:Custom', '@json', '@none']) };
    case 2:
    case 3:
      return { '@id': id, '@container': r.pick(CONTAINERS), ...(r.chance(0.3) ? { '@type': '@id' } : {}) };
    case 4:
      return { '@reverse': `ex:rev-${term}`, ...(r.chance(0.3) ? { '@container': '@set' } : {}) };
    case 5:
      return { '@id': id, '@language': r.pick(['de', 'EN', null]), ...(r.chance(0.3) ? { '@direction': r.pick(['rtl', 'ltr', null]) } : {}) };
    case 6:
      return null;
    case 7:
      return { '@id': id, '@protected': r.chance(0.5) };
    case 8:
      return { '@id': id, '@nest': 'nested' };
    case 9:
    case 10:
      // a property-scoped context
      return { '@id': id, '@context': depth > 0 ? context(r, depth - 1, urls) : r.pick([...urls, `${CTX}scoped.jsonld`]), ...(r.chance(0.2) ? { '@type': '@id' } : {}) };
    case 11:
      return { '@id': id, '@prefix': r.chance(0.5) };
    case 12:
      return { '@id': id, '@type': '@id', '@container': '@set' };
    default:
      return { '@id': id, '@index': 'ex:prop', '@container': '@index' };
  }
}

/** A random local context (an object, a URL, an array of both, or null). */
function context(r: Random, depth: number, urls: string[]): unknown {
  const kind = r.int(10);
  if (kind === 0 && urls.length) return r.pick(urls);
  // one importing context only: two importing the same context on one active context is where
  // stock jsonld hands the second the first's merge (the patch fixes it; tested on its own)
  if (kind === 1) return r.pick([`${CTX}scoped.jsonld`, `${CTX}importer.jsonld`, `${CTX}nested/relative.jsonld`, VC_EXAMPLES_V2_CONTEXT_URL]);
  // the large bundled contexts at the top only (depth 2), where documents name them
  if (kind === 2) return [r.pick(depth >= 2 ? [VC_V2_CONTEXT_URL, VC_V1_CONTEXT_URL, `${CTX}scoped.jsonld`, VC_EXAMPLES_V2_CONTEXT_URL] : [`${CTX}scoped.jsonld`, VC_EXAMPLES_V2_CONTEXT_URL]), context(r, depth - 1, urls)].flat();
  if (kind === 3 && depth < 2 && r.chance(0.3)) return null;
  const ctx: Json = {};
  if (r.chance(0.7)) ctx['@version'] = 1.1;
  if (r.chance(0.5)) ctx['@vocab'] = r.pick(VOCABS);
  if (r.chance(0.2)) ctx['@base'] = r.pick(BASES);
  if (r.chance(0.3)) ctx['@language'] = r.pick(['en', 'nl', null]);
  if (r.chance(0.2)) ctx['@direction'] = r.pick(['ltr', 'rtl', null]);
  // only true: jsonld 9 takes a context's `"@protected": false` for a cyclic definition (stock and patched alike)
  if (r.chance(0.15)) ctx['@protected'] = true;
  if (r.chance(0.15)) ctx['@propagate'] = r.chance(0.5);
  if (r.chance(0.7)) ctx.ex = 'http://example.org/';
  if (r.chance(0.5)) {
    ctx.id = '@id';
    ctx.type = '@type';
  }
  if (r.chance(0.3)) ctx.nested = '@nest';
  if (r.chance(0.2)) ctx.graph = '@graph';
  for (const term of r.some(TERMS, 5)) ctx[term] = termDefinition(r, term, depth, urls);
  for (const type of r.some(TYPES, 2)) {
    // a type-scoped context
    ctx[type] = { '@id': `ex:${type}`, ...(depth > 0 || r.chance(0.5) ? { '@context': depth > 0 ? context(r, depth - 1, urls) : r.pick([`${CTX}scoped.jsonld`, ...urls]) } : {}) };
  }
  return ctx;
}

function value(r: Random, depth: number, urls: string[]): unknown {
  switch (r.int(depth > 0 ? 16 : 9)) {
    case 0:
      return words(r, 2);
    case 1:
      return r.int(1000) - 500;
    case 2:
      return r.pick([1.5, 0.1, -3.25e10, true, false, null]);
    case 3:
      return { '@value': words(r, 1), '@language': r.pick(['en', 'nl-BE', 'de']), ...(r.chance(0.3) ? { '@direction': 'rtl' } : {}) };
    case 4:
      return { '@value': String(r.int(99)), '@type': r.pick(['http://www.w3.org/2001/XMLSchema#integer', 'ex:Custom']) };
    case 5:
      return { id: r.pick(['rel/node', '#frag', '_:b1', 'http://example.org/n1', 'ex:n2']) };
    case 6:
      return { en: words(r, 1), nl: [words(r, 1), words(r, 1)], '@none': words(r, 1) };
    case 7:
      return r.pick(['rel/iri', 'http://example.org/abs', 'ex:curie', 'T1', '_:b2']);
    case 8:
      return { '@value': { any: ['json', 1, { nested: true }] }, '@type': '@json' };
    case 9:
    case 10:
    case 11:
      return node(r, depth - 1, urls);
    case 12:
      return [value(r, depth - 1, urls), value(r, depth - 1, urls)];
    case 13:
      return { '@list': [value(r, depth - 1, urls), value(r, 0, urls)] };
    case 14:
      return { '@graph': [node(r, depth - 1, urls)] };
    default:
      return { 'ex:key1': node(r, depth - 1, urls), 'ex:key2': [node(r, 0, urls)] };
  }
}

function node(r: Random, depth: number, urls: string[]): Json {
  const result: Json = {};
  if (r.chance(depth >= 2 ? 0.6 : 0.25)) result['@context'] = context(r, depth >= 3 ? 2 : 1, urls);
  if (r.chance(0.6)) result[r.chance(0.7) ? 'id' : '@id'] = r.pick(['', 'node/1', '../node/2', '#me', '_:b0', `_:n${r.int(4)}`, 'http://example.org/abs', 'ex:curie']);
  if (r.chance(0.7)) {
    const types = r.some(NODE_TYPES, 2);
    result[r.chance(0.7) ? 'type' : '@type'] = types.length === 1 && r.chance(0.5) ? types[0] : types.length ? types : r.pick(NODE_TYPES);
  }
  for (const term of r.some(NODE_TERMS, 5)) result[term] = value(r, depth, urls);
  // `nested` is an @nest alias in some contexts: its value holds properties of this node
  if (r.chance(0.15)) result.nested = { [r.pick(TERMS)]: value(r, 0, urls), [r.pick(TERMS)]: value(r, 0, urls) };
  if (depth > 0 && r.chance(0.1)) result['@included'] = [node(r, depth - 1, urls)];
  if (depth > 0 && r.chance(0.1)) result['@reverse'] = { 'ex:parent': node(r, 0, urls) };
  if (depth > 0 && r.chance(0.08)) result['@graph'] = [node(r, depth - 1, urls), node(r, 0, urls)];
  return result;
}

/** Generated contexts, served by URL, that the synthetic documents refer to (a pool shared by all of them). */
function generatedContexts(r: Random): Map<string, Json> {
  const contexts = new Map<string, Json>();
  for (let n = 0; n < 12; n++) {
    // two levels of reference at most: each processed context validates every scoped context
    // it holds, recursively, so long chains of URL contexts cost seconds per document
    const earlier = n < 4 ? [] : [...contexts.keys()].slice(0, 4);
    contexts.set(`${CTX}generated/${n}.jsonld`, { '@context': context(r, 1, earlier) ?? {} });
  }
  return contexts;
}

/**
 * `count` documents from `seed`: about a quarter in the exchange's own shapes, the rest
 * synthetic; and the generated contexts they refer to by URL (serve them with
 * {@link testContexts}).
 */
export function generateDocuments(count: number, seed: number): { documents: GeneratedDocument[]; contexts: Map<string, Json> } {
  const r = prng(seed);
  const generated = generatedContexts(r);
  const urls = [...generated.keys()];
  const documents: GeneratedDocument[] = [];
  for (let n = 0; n < count; n++) {
    if (n % 8 === 0) {
      documents.push({ name: `exchange document ${n}`, document: exchangeDocument(r), safe: true });
    } else {
      const document = node(r, r.chance(0.15) ? 3 : 2, urls);
      if (!('@context' in document)) document['@context'] = context(r, 2, urls);
      documents.push({ name: `synthetic document ${n}`, document, safe: false, base: r.pick([undefined, 'http://doc.example/dir/doc', 'https://other.example/']) });
    }
  }
  return { documents, contexts: generated };
}
