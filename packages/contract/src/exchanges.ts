/**
 * VC API exchanges with wallets (W3C CCG VC API, "Workflows and Exchanges"): the exchange
 * URL a wallet posts to, and the interaction URL listing the protocols on offer. Public: the
 * exchange id (an unguessable secret made for one claim or one transfer page) is the capability.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { jsonBody, jsonContent, problems } from './common.js';

/** An exchange id: 32 random bytes, base64url. */
const exchangeIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an exchange id (43 characters of base64url)');

export const exchangeStepSchema = z
  .looseObject({
    verifiablePresentation: z
      .unknown()
      .optional()
      .meta({ description: "The holder's answer to the request: a presentation signed eddsa-rdfc-2022 by their did:key with the request's challenge and domain." }),
  })
  .meta({ id: 'ExchangeStep', description: '`{}` to begin the exchange; then `{ "verifiablePresentation" }`.' });

export const exchangeResponseSchema = z
  .looseObject({
    verifiablePresentationRequest: z
      .looseObject({ query: z.array(z.record(z.string(), z.unknown())), challenge: z.string(), domain: z.string() })
      .optional()
      .meta({ description: 'What the exchange asks for: DIDAuthentication by did:key, and for a transfer Open Badges credentials (QueryByExample).' }),
    verifiablePresentation: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "The credential issued to the holder's DID, in `verifiableCredential`." }),
  })
  .meta({ id: 'ExchangeResponse', description: 'A request, the credential, or `{}` when the exchange is complete with nothing more asked or offered.' });

export const interactionSchema = z
  .object({
    protocols: z.object({
      vcapi: z.string().meta({ description: 'The exchange URL.' }),
      OID4VCI: z.string().optional().meta({ description: 'For a claim: an OpenID4VCI credential offer (`openid-credential-offer://?credential_offer=...`).' }),
    }),
  })
  .meta({ id: 'Interaction' });

export const exchangeRoutes = {
  participate: createRoute({
    method: 'post',
    path: '/exchanges/{exchangeId}',
    tags: ['VC API'],
    summary: 'VC API: take part in an exchange (public; the exchange id is the capability)',
    description:
      'An empty body `{}` answers the verifiable presentation request. A DIDAuth presentation signed by the holder’s did:key with its challenge and domain completes the exchange once: for a claim, the answer is the credential bound to that DID; for a transfer, the presented credentials are submitted and the answer is `{}`. An unknown, used or expired exchange, or a wrong challenge, domain or signature, answers 400 and nothing is issued.',
    request: { params: z.object({ exchangeId: exchangeIdSchema }), ...jsonBody(exchangeStepSchema) },
    responses: { 200: jsonContent(exchangeResponseSchema, 'The next step of the exchange'), ...problems(400, 409, 413, 429) },
  }),

  interaction: createRoute({
    method: 'get',
    path: '/interactions/{exchangeId}',
    tags: ['VC API'],
    summary: 'The protocols an exchange offers (public)',
    description: 'The interaction URL a QR code carries (`?iuv=1`): the VC API exchange URL and, for a claim, an OpenID4VCI credential offer.',
    request: { params: z.object({ exchangeId: exchangeIdSchema }), query: z.object({ iuv: z.literal('1').optional() }) },
    responses: { 200: jsonContent(interactionSchema, 'The protocols on offer'), ...problems(400) },
  }),
};
