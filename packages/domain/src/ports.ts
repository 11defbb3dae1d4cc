/** Ports: what the domain needs from the outside world, with no AWS in sight. */

/** A new signing key, as the key vault made it. */
export interface ProvisionedKey {
  /** The vault's reference to the private key (a KMS key ARN, or a local key name). */
  keyRef: string;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

export interface KeyLabels {
  consortium: string;
  institutionId: string;
  /** The institution's key id, e.g. `key-2`. */
  keyId: string;
}

/**
 * Keeps the institutions' Ed25519 private keys. Private keys never leave it:
 * callers hold a reference and ask it to sign.
 */
export interface KeyVault {
  createKey(labels: KeyLabels): Promise<ProvisionedKey>;
  publicKey(keyRef: string): Promise<Uint8Array>;
  /** Signs `data` as is (Ed25519 over the raw message), returning the 64-byte signature. */
  sign(keyRef: string, data: Uint8Array): Promise<Uint8Array>;
  /** Gives up a key that was created but never used (a failed onboarding). */
  discardKey(keyRef: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A work queue (SQS in AWS, in-process locally). Messages are delivered at least once. */
export interface JobQueue<T> {
  send(messages: T[]): Promise<void>;
}

/** One message to one person: a notice, rendered (plain text and HTML). */
export interface MailMessage {
  /** The notice's id: names the message (its file locally, an SES tag in AWS) so that events find it. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The message's language (`Content-Language`). */
  language?: string;
}

/**
 * Sends mail: Amazon SES in AWS, `.eml` files in an outbox folder locally. Throws a
 * RateLimitedError when the service asks to slow down (the message was not accepted, so
 * sending it again later is safe) and a DependencyError when it failed otherwise.
 */
export interface Mailer {
  send(message: MailMessage): Promise<{ providerMessageId: string }>;
}
