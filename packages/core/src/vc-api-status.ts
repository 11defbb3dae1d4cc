/**
 * The VC API's status update in the exchange's terms: status bits asked per purpose become the
 * one status a credential has (active, suspended or revoked), under the rules of every status
 * change (revocation is final).
 */
import { ConflictError, ValidationError, type CredentialRecord, type CredentialStatus } from '@cx/domain';
import { servedStatusPurposes } from './composed-credential.js';

/** One entry of a VC API status update: the bit to set for a purpose. */
export interface StatusBitUpdate {
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation' | 'suspension';
  status: boolean;
}

/** A credential's status as the VC API reads it: one bit per purpose its entries serve. */
export interface StatusBits {
  credentialId: string;
  credentialStatus: StatusBitUpdate[];
}

/**
 * The status `record` is to have after `updates`: `revocation: true` revokes (whatever else is
 * asked), `suspension` sets or lifts a suspension, `revocation: false` alone keeps the status.
 *
 * @throws ValidationError naming `credentialStatus.<i>.statusPurpose` for a purpose asked twice
 *   or one the credential has no status entry for
 * @throws ConflictError when the credential is revoked and the update asks for anything else
 */
export function statusAfter(record: CredentialRecord, updates: readonly StatusBitUpdate[]): CredentialStatus {
  const served = servedStatusPurposes(record.credential);
  const asked = new Map<StatusBitUpdate['statusPurpose'], boolean>();
  updates.forEach((update, index) => {
    const field = `credentialStatus.${index}.statusPurpose`;
    if (asked.has(update.statusPurpose)) throw ValidationError.field(field, `asks for ${update.statusPurpose} twice`);
    if (!served.has(update.statusPurpose)) throw ValidationError.field(field, `credential ${record.id} has no ${update.statusPurpose} status entry`);
    asked.set(update.statusPurpose, update.status);
  });
  const to: CredentialStatus = asked.get('revocation')
    ? 'revoked'
    : asked.has('suspension')
      ? asked.get('suspension')
        ? 'suspended'
        : 'active'
      : record.status;
  if (record.status === 'revoked' && (to !== 'revoked' || asked.get('revocation') === false)) throw new ConflictError(`credential ${record.id} is revoked; revocation is final`);
  return to;
}

/** What the VC API answers about `record`'s status: each purpose its entries serve, with its bit. */
export function statusBits(record: CredentialRecord): StatusBits {
  return {
    credentialId: record.id,
    credentialStatus: [...servedStatusPurposes(record.credential)].map((statusPurpose) => ({
      type: 'BitstringStatusListEntry',
      statusPurpose,
      status: statusPurpose === 'revocation' ? record.status === 'revoked' : record.status === 'suspended',
    })),
  };
}
