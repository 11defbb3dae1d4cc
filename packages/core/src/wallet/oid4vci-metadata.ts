/**
 * What an institution publishes as an OpenID4VCI credential issuer (OpenID4VCI 1.0, "Credential Issuer Metadata") and
 * as the OAuth authorization server of its pre-authorized codes (RFC 8414): one credential
 * configuration, the exchange's Open Badges 3.0 credentials as `ldp_vc` signed eddsa-rdfc-2022,
 * bound to a did:key or did:jwk the wallet proves with a `jwt` proof.
 */
import { OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL } from '@cx/credentials';
import { PROOF_ALGORITHMS } from './jwt-proof.js';

/** The one credential configuration id: what a credential offer and a credential request name. */
export const OPEN_BADGE_CONFIGURATION_ID = 'OpenBadgeCredential_ldp_vc';

export const PRE_AUTHORIZED_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** Credential issuer metadata: the members the exchange reads, and the rest as published. */
export interface CredentialIssuerMetadata {
  credential_issuer: string;
  credential_endpoint: string;
  nonce_endpoint: string;
  display: Array<{ name: string }>;
  credential_configurations_supported: Record<string, { format: 'ldp_vc'; [parameter: string]: unknown }>;
  [parameter: string]: unknown;
}

/** Authorization server metadata (RFC 8414) of a credential issuer's pre-authorized codes. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  'pre-authorized_grant_anonymous_access_supported': true;
  [parameter: string]: unknown;
}

/** The credential issuer identifier of an institution: `{publicUrl}/institutions/{id}`. */
export const credentialIssuerId = (publicUrl: string, institution: string): string => `${publicUrl}/institutions/${institution}`;

/**
 * The credential issuer metadata (`GET /.well-known/openid-credential-issuer/institutions/{id}`).
 * Its configuration carries `credential_metadata`, the 1.0 place of `display`, which is also how
 * 1.0 clients (oid4vc-ts among them) tell 1.0 metadata from a draft's.
 */
export function credentialIssuerMetadata(publicUrl: string, institution: { id: string; name: string }): CredentialIssuerMetadata {
  const issuer = credentialIssuerId(publicUrl, institution.id);
  return {
    credential_issuer: issuer,
    // no authorization_servers: the credential issuer is its own authorization server
    credential_endpoint: `${issuer}/oid4vci/credential`,
    nonce_endpoint: `${issuer}/oid4vci/nonce`,
    display: [{ name: institution.name }],
    credential_configurations_supported: {
      [OPEN_BADGE_CONFIGURATION_ID]: {
        format: 'ldp_vc',
        cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
        // the ldp_vc profile asks for signature suite names; a Data Integrity proof's suite is its cryptosuite
        credential_signing_alg_values_supported: ['eddsa-rdfc-2022'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: Object.keys(PROOF_ALGORITHMS) } },
        credential_definition: {
          '@context': [VC_V2_CONTEXT_URL, OB_V3_CONTEXT_URL],
          type: ['VerifiableCredential', 'OpenBadgeCredential'],
        },
        credential_metadata: {
          display: [{ name: 'Open Badge', description: `A credential issued by ${institution.name}, bound to your wallet's key` }],
        },
      },
    },
  };
}

/** The authorization server metadata (`GET /.well-known/oauth-authorization-server/institutions/{id}`). */
export function authorizationServerMetadata(publicUrl: string, institution: string): AuthorizationServerMetadata {
  const issuer = credentialIssuerId(publicUrl, institution);
  return {
    issuer,
    token_endpoint: `${issuer}/oid4vci/token`,
    grant_types_supported: [PRE_AUTHORIZED_CODE_GRANT],
    // the student's wallet is no registered client: the code alone authorises
    'pre-authorized_grant_anonymous_access_supported': true,
    token_endpoint_auth_methods_supported: ['none'],
    response_types_supported: [],
  };
}
