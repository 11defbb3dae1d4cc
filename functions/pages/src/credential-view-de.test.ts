import type { Check, Verification } from '@cx/core';
import { i18nFor } from '@cx/i18n';
import { describe, expect, it } from 'vitest';
import { checkWording, describeCredential, inLanguage, verdictOf } from './credential-view.js';

const de = i18nFor('de');
const checks: Check[] = [
  { check: 'proof', ok: true },
  { check: 'issuer-member', ok: true },
  { check: 'revocation', ok: false, detail: 'the credential has been revoked' },
];
const verification: Verification = { verified: false, checks, errors: ['revocation: revoked'], warnings: [], issuer: { id: 'uni-a', name: 'Universität Leipzig', did: 'did:web:x', status: 'active' } };

describe('the verdict in German', () => {
  it('words a revoked credential and its checks in German, naming the member-list issuer', () => {
    const verdict = verdictOf({ issuer: 'did:web:x', proof: {} }, verification, de);
    expect(verdict).toMatchObject({ kind: 'revoked', headline: 'Von der ausstellenden Hochschule widerrufen' });
    expect(verdict.explanation).toContain('Universität Leipzig hat diesen Nachweis endgültig widerrufen');
    expect(checkWording(checks[2]!, 'Universität Leipzig', de)).toMatchObject({ name: 'Widerruf', text: 'Widerrufen: Die ausstellende Hochschule hat ihn endgültig zurückgezogen.' });
  });
});

describe('language-tagged values', () => {
  const name = [
    { '@value': 'Data Science', '@language': 'en' },
    { '@value': 'Datenwissenschaft', '@language': 'de' },
  ];

  it('picks the reader’s language where the credential has it', () => {
    expect(inLanguage(name, 'de')).toEqual({ texts: ['Datenwissenschaft'] });
    expect(inLanguage(name, 'en')).toEqual({ texts: ['Data Science'] });
  });

  it('falls back to the untagged value, then to the first language, and says which', () => {
    expect(inLanguage(['Data Science', { '@value': 'Datenwissenschaft', '@language': 'de' }], 'fr')).toEqual({ texts: ['Data Science'] });
    expect(inLanguage([{ '@value': 'Datenwissenschaft', '@language': 'de' }], 'en')).toEqual({ texts: ['Datenwissenschaft'], language: 'de' });
  });

  it('reads the achievement’s name, description and outcomes in the reader’s language', () => {
    const vc = {
      credentialSubject: {
        achievement: {
          name,
          description: [{ '@value': 'Daten auswerten.', '@language': 'de' }, { '@value': 'Analyse data.', '@language': 'en' }],
          learningOutcomes: [{ '@value': 'Clean a data set', '@language': 'en' }, { '@value': 'Einen Datensatz bereinigen', '@language': 'de' }],
        },
      },
    };
    const view = describeCredential(vc, verification, 'de');
    expect(view.achievement).toMatchObject({ name: 'Datenwissenschaft', description: 'Daten auswerten.', learningOutcomes: ['Einen Datensatz bereinigen'] });
    expect(view.achievement?.textLanguage).toBeUndefined();
  });
});
