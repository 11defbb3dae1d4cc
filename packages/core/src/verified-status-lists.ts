/**
 * Status list credentials whose signature verified, remembered by their content: a list is
 * shared by up to 131,072 credentials and changes only when one of them is revoked, suspended
 * or reinstated, so most verifications would otherwise check the same list's signature again.
 *
 * What is remembered is never a status: the current list is read from the table on every
 * verification, and only the outcome of checking *that exact* list (its JSON text and the
 * issuer's DID document it was checked against, hashed together) is looked up here. A status
 * change writes a new list with a new proof, whose fingerprint differs, so it is checked in
 * full the first time it is read, on every instance, with no invalidation to send anywhere.
 * Only lists that verified and decoded are remembered: a failure (a forged list, a list too
 * costly to check in time) is checked again each time, as before.
 */
import { createHash } from 'node:crypto';

/** How many lists one instance remembers: a few per member; each holds its decoded bits (16-64 KB). */
export const VERIFIED_LIST_CAPACITY = 64;

/** A list that verified: its purpose and its decoded bits (read-only: shared by later verifications). */
export interface VerifiedList {
  purpose: string;
  bits: Uint8Array;
}

/**
 * The fingerprint of a list as checked: its credential and the DID document its proof was
 * checked against. Both are the verification's whole input (contexts are bundled), so equal
 * fingerprints mean equal outcomes.
 */
export function listFingerprint(credential: unknown, didDocument: unknown): string {
  return createHash('sha256').update(JSON.stringify(credential)).update('\0').update(JSON.stringify(didDocument ?? null)).digest('base64url');
}

/** A bounded map from fingerprint to verified list, least recently used first out. */
export class VerifiedStatusLists {
  private readonly lists = new Map<string, VerifiedList>();

  constructor(private readonly capacity = VERIFIED_LIST_CAPACITY) {}

  get(fingerprint: string): VerifiedList | undefined {
    const found = this.lists.get(fingerprint);
    if (found) {
      // most recently used goes last, so eviction takes the least recently used
      this.lists.delete(fingerprint);
      this.lists.set(fingerprint, found);
    }
    return found;
  }

  remember(fingerprint: string, list: VerifiedList): void {
    this.lists.delete(fingerprint);
    this.lists.set(fingerprint, list);
    while (this.lists.size > this.capacity) this.lists.delete(this.lists.keys().next().value!);
  }

  get size(): number {
    return this.lists.size;
  }
}
