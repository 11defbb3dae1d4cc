/**
 * The errors of the OpenID4VCI endpoints, in OAuth's shape rather than problem+json: a wallet
 * reads `error` (RFC 6749 §5.2 at the token endpoint, RFC 6750 §3 for a bad access token,
 * OpenID4VCI 1.0's credential request errors at the credential endpoint) and knows whether to fetch a new nonce,
 * give up, or ask the student for a new offer.
 */

/** The codes these endpoints answer with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'invalid_credential_request'
  | 'unknown_credential_configuration'
  | 'invalid_proof'
  | 'invalid_nonce'
  | 'invalid_encryption_parameters'
  | 'credential_request_denied';

/**
 * An OAuth error response: 400 with `{ error, error_description }`, but 401 with a
 * `WWW-Authenticate: Bearer error="invalid_token"` challenge for an access token that does
 * not work (RFC 6750 §3.1).
 */
export class OAuthError extends Error {
  readonly status: 400 | 401;

  constructor(
    readonly error: OAuthErrorCode,
    /** Printable ASCII only, as both RFCs require of `error_description`. */
    readonly description: string,
    options?: { cause?: unknown },
  ) {
    super(description, options);
    this.name = new.target.name;
    this.status = error === 'invalid_token' ? 401 : 400;
  }

  /** The JSON body of the response. */
  body(): { error: OAuthErrorCode; error_description: string } {
    // RFC 6749 §5.2 allows %x20-21 / %x23-5B / %x5D-7E in a description: no quote, backslash or non-ASCII
    return { error: this.error, error_description: this.description.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?') };
  }

  /** The `WWW-Authenticate` challenge of a 401, else undefined. */
  challenge(): string | undefined {
    return this.status === 401 ? `Bearer error="${this.error}"` : undefined;
  }
}
