/**
 * Runs @digitalcredentials/verifier-core (the verifier of the Learner Credential Wallet and
 * VerifierPlus) on credentials, as those apps call it, and reduces each answer to what the
 * tests compare: its fatal errors and each verification step's outcome. The same module runs
 * in Node and, bundled by esbuild, in the browser page of test/browser, so both are checked alike.
 */
import { verifyCredential } from '@digitalcredentials/verifier-core';

/** One credential's outcome: fatal errors (name and message), else each step by id. */
export interface VerifierCoreOutcome {
  errors: Array<{ name: string; message: string }>;
  /** `valid_signature`, `expiration`, `revocation_status`, `registered_issuer`: valid or not. */
  steps: Record<string, boolean>;
  /** Why a step failed, where the library said so (e.g. a status list it could not read). */
  stepErrors: Record<string, string>;
  /** The names of the registries that list the issuer. */
  registries: string[];
}

type Credential = Parameters<typeof verifyCredential>[0]['credential'];

/** The registry step carries what the library's types leave out: the registries that matched. */
interface RegistryStep {
  matchingIssuers?: Array<{ registry?: { federation_entity?: { organization_name?: string } } }>;
}

/** Verifies each credential with the consortium's registry as the one known registry. */
export async function verifyWithVerifierCore(credentials: Record<string, unknown>[], registryUrl: string): Promise<VerifierCoreOutcome[]> {
  const knownDIDRegistries = [{ type: 'dcc-legacy', name: 'Consortium exchange members', url: registryUrl }];
  const outcomes: VerifierCoreOutcome[] = [];
  for (const credential of credentials) {
    // the exchange's credentials are VC 2.0; the library's Credential type is VC 1.1's shape
    const result = await verifyCredential({ credential: credential as unknown as Credential, knownDIDRegistries });
    const steps: Record<string, boolean> = {};
    const stepErrors: Record<string, string> = {};
    let registries: string[] = [];
    for (const entry of result.log ?? []) {
      steps[entry.id] = entry.valid === true;
      if (entry.error) stepErrors[entry.id] = `${entry.error.name}: ${entry.error.message}`;
      const { matchingIssuers } = entry as RegistryStep;
      if (matchingIssuers) registries = matchingIssuers.map((m) => m.registry?.federation_entity?.organization_name ?? '');
    }
    outcomes.push({ errors: (result.errors ?? []).map(({ name = 'error', message }) => ({ name, message })), steps, stepErrors, registries });
  }
  return outcomes;
}
