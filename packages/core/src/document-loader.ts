/**
 * The exchange's own document loader: bundled contexts, and the DID documents of member
 * institutions read straight from the table (no HTTP round trip to itself). DIDs that are
 * not this exchange's members are refused: a credential from outside is not a member's.
 */
import { createDocumentLoader, type DocumentLoader } from '@cx/credentials';
import { didWebHost, institutionDidDocument, NotFoundError, type InstitutionRecord, type Persistence } from '@cx/domain';

export function memberDidPrefix(publicUrl: string): string {
  return `did:web:${didWebHost(publicUrl)}:institutions:`;
}

/** The member institution id a DID names, if it is one of this exchange's DIDs. */
export function memberIdOfDid(publicUrl: string, did: string): string | undefined {
  const prefix = memberDidPrefix(publicUrl);
  if (!did.startsWith(prefix)) return undefined;
  const id = did.slice(prefix.length).split('#')[0]!;
  return /^[a-z0-9][a-z0-9-]{1,39}$/.test(id) ? id : undefined;
}

/** How the loader reads a member's record: from the table, or through a per-request cache. */
export type InstitutionLookup = (id: string) => Promise<InstitutionRecord | undefined>;

export function exchangeDocumentLoader(deps: { store: Persistence; publicUrl: string; institution?: InstitutionLookup }): DocumentLoader {
  const lookup: InstitutionLookup = deps.institution ?? ((id) => deps.store.institutions.get(id));
  return createDocumentLoader({
    publicUrl: deps.publicUrl,
    resolveDid: async (did) => {
      const id = memberIdOfDid(deps.publicUrl, did);
      const institution = id && (await lookup(id));
      if (!institution) throw new NotFoundError(`${did} is not the DID of a member of this consortium`);
      return institutionDidDocument(deps.publicUrl, institution);
    },
  });
}
