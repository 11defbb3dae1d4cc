/**
 * OpenID for Verifiable Credential Issuance 1.0 (pre-authorized code): each member institution
 * is a credential issuer `{publicUrl}/institutions/{id}` and the authorization server of its
 * codes. Public routes: the code from a claim page's credential offer is the capability. The
 * token and credential endpoints answer OAuth error objects (`{ error, error_description }`),
 * not problem documents, as wallets expect.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { institutionIdSchema } from '@cx/domain';
import { jsonContent, problems } from './common.js';

const institutionParams = z.object({ id: institutionIdSchema });

export const oauthErrorSchema = z
  .object({
    error: z.string().meta({ example: 'invalid_grant' }),
    error_description: z.string().optional(),
  })
  .meta({ id: 'OAuthError', description: 'An OAuth 2.0 error response (RFC 6749 §5.2, RFC 6750 §3, OpenID4VCI 1.0 credential request errors).' });

function oauthErrors(statuses: Record<number, string>) {
  return Object.fromEntries(Object.entries(statuses).map(([status, description]) => [status, jsonContent(oauthErrorSchema, description)]));
}

export const credentialIssuerMetadataSchema = z
  .looseObject({
    credential_issuer: z.string().meta({ example: 'https://exchange.example.eu/institutions/uni-leiden' }),
    credential_endpoint: z.string(),
    nonce_endpoint: z.string(),
    display: z.array(z.looseObject({ name: z.string() })),
    credential_configurations_supported: z.record(z.string(), z.looseObject({ format: z.literal('ldp_vc') })),
  })
  .meta({ id: 'CredentialIssuerMetadata', description: 'OpenID4VCI 1.0 credential issuer metadata: one configuration, Open Badges 3.0 as ldp_vc (eddsa-rdfc-2022), bound to a did:key or did:jwk by a jwt proof.' });

export const authorizationServerMetadataSchema = z
  .looseObject({
    issuer: z.string(),
    token_endpoint: z.string(),
    'pre-authorized_grant_anonymous_access_supported': z.literal(true),
  })
  .meta({ id: 'AuthorizationServerMetadata', description: 'RFC 8414 authorization server metadata of an institution as credential issuer.' });

export const tokenRequestSchema = z
  .looseObject({
    grant_type: z.string().meta({ example: 'urn:ietf:params:oauth:grant-type:pre-authorized_code' }),
    'pre-authorized_code': z.string().optional().meta({ description: 'The code of the credential offer.' }),
  })
  .meta({ id: 'TokenRequest' });

export const tokenResponseSchema = z
  .object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() })
  .meta({ id: 'TokenResponse', description: 'An access token for the one credential of the offer: single use, 10 minutes.' });

export const nonceResponseSchema = z
  .object({ c_nonce: z.string() })
  .meta({ id: 'NonceResponse', description: 'A c_nonce for one proof: single use, 5 minutes.' });

export const credentialRequestSchema = z
  .looseObject({
    credential_configuration_id: z.string().optional().meta({ example: 'OpenBadgeCredential_ldp_vc' }),
    proofs: z.unknown().optional().meta({ description: '`{ "jwt": ["<proof JWT>"] }`: one proof typed openid4vci-proof+jwt, EdDSA or ES256, by a did:key or did:jwk `kid`, for this credential issuer, with a c_nonce.' }),
  })
  .meta({ id: 'CredentialRequest' });

export const credentialResponseSchema = z
  .object({ credentials: z.array(z.object({ credential: z.record(z.string(), z.unknown()) })) })
  .meta({ id: 'CredentialResponse', description: "The holder copy: the student's credential with credentialSubject.id the proof's DID, signed by the institution." });

export const oid4vciRoutes = {
  issuerMetadata: createRoute({
    method: 'get',
    path: '/.well-known/openid-credential-issuer/institutions/{id}',
    tags: ['OpenID4VCI'],
    summary: "An institution's credential issuer metadata (public)",
    request: { params: institutionParams },
    responses: { 200: jsonContent(credentialIssuerMetadataSchema, 'The metadata'), ...problems(404) },
  }),

  authorizationServerMetadata: createRoute({
    method: 'get',
    path: '/.well-known/oauth-authorization-server/institutions/{id}',
    tags: ['OpenID4VCI'],
    summary: "An institution's authorization server metadata (public)",
    request: { params: institutionParams },
    responses: { 200: jsonContent(authorizationServerMetadataSchema, 'The metadata'), ...problems(404) },
  }),

  token: createRoute({
    method: 'post',
    path: '/institutions/{id}/oid4vci/token',
    tags: ['OpenID4VCI'],
    summary: 'Trade a pre-authorized code for an access token (public)',
    request: {
      params: institutionParams,
      body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: tokenRequestSchema } } },
    },
    responses: {
      200: jsonContent(tokenResponseSchema, 'The access token'),
      ...oauthErrors({ 400: '`invalid_grant` (unknown, used, expired or another institution\'s code), `unsupported_grant_type`, `invalid_request`' }),
    },
  }),

  nonce: createRoute({
    method: 'post',
    path: '/institutions/{id}/oid4vci/nonce',
    tags: ['OpenID4VCI'],
    summary: 'A fresh c_nonce for a proof (public)',
    request: { params: institutionParams },
    responses: { 200: jsonContent(nonceResponseSchema, 'The nonce (Cache-Control: no-store)') },
  }),

  credential: createRoute({
    method: 'post',
    path: '/institutions/{id}/oid4vci/credential',
    tags: ['OpenID4VCI'],
    summary: 'The credential, bound to the DID of the proof (access token)',
    request: { params: institutionParams, body: { required: true, content: { 'application/json': { schema: credentialRequestSchema } } } },
    responses: {
      200: jsonContent(credentialResponseSchema, 'The holder copy'),
      ...oauthErrors({
        400: '`invalid_proof`, `invalid_nonce`, `unknown_credential_configuration`, `invalid_credential_request`, `credential_request_denied` (a revoked original)',
        401: '`invalid_token`: unknown, used, expired or another institution\'s access token (with WWW-Authenticate)',
      }),
    },
  }),
};
