import { z } from 'zod';
import { LANGUAGES } from '@cx/i18n';
import { isCountryCode } from './codes.js';
import { httpUrlSchema, institutionIdSchema, timestampSchema } from './common.js';

export const institutionStatusSchema = z.enum(['active', 'suspended']);

/** The language an institution's notices to students are written in first (the others follow below): one the exchange has messages in. */
export const defaultLanguageSchema = z
  .enum(LANGUAGES, { error: `must be a language the exchange writes notices in: ${LANGUAGES.join(', ')}` })
  .meta({ description: `ISO 639-1 code of the language claim notices are written in first, the others below it; en when not given. One of ${LANGUAGES.join(', ')}.`, example: 'de' });
export type InstitutionStatus = z.infer<typeof institutionStatusSchema>;

/** The body of `POST /v1/institutions`. */
export const newInstitutionSchema = z
  .strictObject({
    id: institutionIdSchema,
    name: z.string().trim().min(1).max(200),
    country: z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code, e.g. NL').meta({ example: 'NL' }),
    homepage: httpUrlSchema.meta({ example: 'https://www.universiteitleiden.nl' }),
    erasmusCode: z
      .string()
      .trim()
      .min(3)
      .max(20)
      .regex(/^[A-Z][A-Z-]*\s*[A-Z-]*\d{2}$/, 'must be an Erasmus institution code, e.g. "NL LEIDEN01"')
      .optional(),
    defaultLanguage: defaultLanguageSchema.optional(),
  })
  .meta({ id: 'NewInstitution' });
export type NewInstitution = z.infer<typeof newInstitutionSchema>;

export const signingKeySchema = z
  .object({
    id: z.string().meta({ example: 'key-1' }),
    publicKeyMultibase: z.string().meta({ example: 'z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }),
    status: z.enum(['active', 'retired']),
    createdAt: timestampSchema,
  })
  .meta({ id: 'SigningKey' });
export type SigningKey = z.infer<typeof signingKeySchema>;

/** An institution as the API shows it: the consortium's member list is the trust registry. */
export const institutionSchema = z
  .object({
    id: institutionIdSchema,
    name: z.string(),
    country: z.string(),
    homepage: z.string(),
    erasmusCode: z.string().optional(),
    defaultLanguage: defaultLanguageSchema,
    did: z.string().meta({ example: 'did:web:exchange.example.eu:institutions:uni-leiden' }),
    status: institutionStatusSchema,
    keys: z.array(signingKeySchema),
    createdAt: timestampSchema,
  })
  .meta({ id: 'Institution' });
export type Institution = z.infer<typeof institutionSchema>;

/** A signing key as stored: the public view plus the key vault's reference to the private key. */
export interface StoredSigningKey extends SigningKey {
  /** KMS key ARN, or the local key vault's key name. Never leaves the exchange. */
  keyRef: string;
}

/** An institution as stored. `did` is derived from the deployment's public URL, so it is not stored; records from before languages have no `defaultLanguage` (English). */
export interface InstitutionRecord extends Omit<Institution, 'did' | 'keys' | 'defaultLanguage'> {
  defaultLanguage?: Institution['defaultLanguage'];
  keys: StoredSigningKey[];
  updatedAt: string;
}

/** The key an institution signs new credentials with. */
export function activeKey(institution: InstitutionRecord): StoredSigningKey {
  const key = institution.keys.find((k) => k.status === 'active');
  if (!key) throw new Error(`institution ${institution.id} has no active key`);
  return key;
}
