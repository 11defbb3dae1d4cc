/**
 * The consortium's member list in the form stock verifiers read as an issuer registry: the
 * Digital Credentials Consortium's "dcc-legacy" registry document, which
 * `@digitalcredentials/issuer-registry-client` (verifier-core, VerifierPlus, the Learner
 * Credential Wallet) fetches and looks an issuer's DID up in.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { timestampSchema } from '@cx/domain';
import { jsonContent } from './common.js';

/** One issuer of the registry: what a verifier shows about a DID it found there. */
export const registryIssuerSchema = z
  .object({
    name: z.string().meta({ example: 'Universiteit Leiden' }),
    url: z.string().meta({ description: "The member's homepage", example: 'https://www.universiteitleiden.nl' }),
    location: z.string().meta({ description: 'Where the member is: its ISO 3166-1 alpha-2 country code', example: 'NL' }),
  })
  .meta({ id: 'RegistryIssuer' });

export const dccLegacyRegistrySchema = z
  .object({
    meta: z.object({
      created: timestampSchema.meta({ description: 'When the first member joined' }),
      updated: timestampSchema.meta({ description: 'When the member list last changed (a member joined, was suspended or reinstated)' }),
    }),
    registry: z.record(z.string(), registryIssuerSchema).meta({ description: "The active members, keyed by each one's DID" }),
  })
  .meta({ id: 'DccLegacyRegistry' });
export type DccLegacyRegistry = z.infer<typeof dccLegacyRegistrySchema>;

export const registryRoutes = {
  dccLegacy: createRoute({
    method: 'get',
    path: '/registry/dcc-legacy.json',
    tags: ['Identity'],
    summary: 'The active members as a DCC issuer registry (public)',
    description:
      'For verifiers that check an issuer against a registry of the Digital Credentials Consortium\'s "dcc-legacy" type: give them this URL as a registry `{ "type": "dcc-legacy", "name", "url" }`. Suspended members are left out.',
    responses: { 200: jsonContent(dccLegacyRegistrySchema, 'The registry document') },
  }),
};
