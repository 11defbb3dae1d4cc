/** Signing as an institution: its active key, through the key vault (one Sign call per proof). */
import { keyVaultSigner, signCredential, type DocumentLoader } from '@cx/credentials';
import { activeKey, institutionDid, type InstitutionRecord, type KeyVault } from '@cx/domain';

export interface SigningDeps {
  keyVault: KeyVault;
  publicUrl: string;
  documentLoader: DocumentLoader;
}

export async function signAsInstitution<T extends object>(deps: SigningDeps, institution: InstitutionRecord, credential: T, date?: Date) {
  const key = activeKey(institution);
  const signer = keyVaultSigner({
    keyVault: deps.keyVault,
    keyRef: key.keyRef,
    verificationMethod: `${institutionDid(deps.publicUrl, institution.id)}#${key.id}`,
  });
  return signCredential(credential, { signer, documentLoader: deps.documentLoader, date });
}
