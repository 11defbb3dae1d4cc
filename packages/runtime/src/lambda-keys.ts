/** The KMS side of a Lambda function's dependencies: only functions whose topology entry signs or creates keys import it. */
import { KMSClient } from '@aws-sdk/client-kms';
import type { KeyVault } from '@cx/domain';
import { KmsKeyVault, RateLimitedKeyVault } from '@cx/signing';

/** Institution keys in KMS; each function instance keeps to its share of the account's Sign rate (CX_SIGN_RATE per second, 500 when unset). */
export function lambdaKeyVault(): KeyVault {
  return new RateLimitedKeyVault(new KmsKeyVault(new KMSClient({})), { perSecond: Number(process.env.CX_SIGN_RATE ?? 500) });
}
