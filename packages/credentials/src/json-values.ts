/**
 * Reading untrusted JSON-LD values: a member that may be one value or a list of them (as
 * `type`, `proof`, `verifiableCredential` and `credentialStatus` are), and a member that must
 * be a JSON object.
 */

/** A JSON object (neither null nor an array). */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A member that holds one value or a list, as a list: absent is none. */
export const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
