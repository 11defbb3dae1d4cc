/** Readable reasons for what jsonld.js and @digitalbazaar/vc throw at a credential. */

interface JsonLdErrorLike {
  name?: string;
  message?: string;
  details?: {
    url?: string;
    code?: string;
    cause?: { name?: string; message?: string };
    event?: { code?: string; message?: string; details?: Record<string, unknown> };
  };
}

/**
 * What is wrong with a credential, from an error of JSON-LD processing or of the VC checks: a
 * safe-mode event names the term or value, a refused context names its URL.
 */
export function describeJsonLdError(error: unknown): { message: string; field?: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as JsonLdErrorLike;
  const event = e.details?.event;
  if (e.name === 'jsonld.ValidationError' && event) {
    const details = event.details ?? {};
    const property = typeof details.property === 'string' ? details.property : undefined;
    if (event.code === 'invalid property' && property) {
      return { message: `"${property}" is not defined by the credential's @context`, field: property };
    }
    const what = Object.entries(details)
      .map(([key, value]) => `${key} ${JSON.stringify(value)}`)
      .join(', ');
    return { message: `${event.message ?? event.code ?? 'JSON-LD safe mode refused it'}${what ? ` (${what})` : ''}`, field: property };
  }
  if (e.details?.code === 'loading remote context failed' && e.details.url) {
    return { message: `the context ${e.details.url} is not one the exchange can load`, field: '@context' };
  }
  if (typeof e.message === 'string' && e.message) return { message: e.message };
  return { message: String(error) };
}
