/**
 * The credential id of a graduation-run item, derived from the institution, the run and the
 * item's index: every delivery of a chunk builds the same id for the same item, so the
 * credential's conditional put is the item's idempotency (no claim per item), and two
 * deliveries racing for one item store one credential. A name-based UUID (RFC 9562 version
 * 8, from SHA-256), so it reads like any other credential id and reveals neither the run nor
 * the index.
 */
import { createHash } from 'node:crypto';

/**
 * @example
 * batchCredentialId('uni-a', '6f1c…', 7) // 'urn:uuid:3b0e…-…-8…' (the same for every call)
 */
export function batchCredentialId(institution: string, batchId: string, index: number): string {
  const hash = createHash('sha256').update(`cx-batch-item\u0000${institution}\u0000${batchId}\u0000${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80; // version 8
  hash[8] = (hash[8]! & 0x3f) | 0x80; // the RFC 9562 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
