/** Type shim for jsonld (untyped ESM/CJS); only what this package uses. */
declare module 'jsonld' {
  interface JsonLdOptions {
    documentLoader?: (url: string) => Promise<{ contextUrl: string | null; documentUrl: string; document: unknown }>;
    safe?: boolean;
    base?: string | null;
  }
  const jsonld: {
    expand(input: unknown, options?: JsonLdOptions): Promise<Array<Record<string, unknown>>>;
    compact(input: unknown, context: unknown, options?: JsonLdOptions): Promise<Record<string, unknown>>;
    getValues(subject: object, property: string): unknown[];
  };
  export default jsonld;
}
