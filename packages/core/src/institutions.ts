/**
 * Onboarding and administration of member institutions: records, signing keys, API keys.
 * Every change is written together with its audit record, or not at all.
 */
import {
  ConflictError,
  DependencyError,
  generateApiKey,
  institutionDid,
  NotFoundError,
  type Clock,
  type Institution,
  type InstitutionRecord,
  type KeyVault,
  type NewInstitution,
  type RequestContext,
  type StoredSigningKey,
  ed25519ToMultibase,
  DomainError,
  type KeyOwner,
  type Persistence,
  type StoredInstitution,
  consoleLog,
  type Log,
} from '@cx/domain';
import { auditEntry } from './audit-entry.js';
import { requireMember } from './membership.js';
import { DEFAULT_LANGUAGE } from '@cx/i18n';

/** Keys revoked per transaction by revokeAllApiKeys: DynamoDB's 100 items, less the audit record. */
const REVOKE_ALL_CHUNK = 99;

export interface InstitutionServiceDeps {
  store: Persistence;
  keyVault: KeyVault;
  /** Base URL the exchange is reached at; DIDs and links are built from it. */
  publicUrl: string;
  /** The consortium's short name; tags every KMS key so IAM can scope signing to it. */
  consortium: string;
  clock: Clock;
  /** Where failures the caller is not told about in full are logged; the console when absent. */
  log?: Log;
}

export class InstitutionService {
  constructor(private readonly deps: InstitutionServiceDeps) {}

  toView(record: InstitutionRecord): Institution {
    return {
      id: record.id,
      name: record.name,
      country: record.country,
      homepage: record.homepage,
      ...(record.erasmusCode ? { erasmusCode: record.erasmusCode } : {}),
      defaultLanguage: record.defaultLanguage ?? DEFAULT_LANGUAGE,
      did: institutionDid(this.deps.publicUrl, record.id),
      status: record.status,
      keys: record.keys.map(({ id, publicKeyMultibase, status, createdAt }) => ({ id, publicKeyMultibase, status, createdAt })),
      createdAt: record.createdAt,
    };
  }

  get(id: string): Promise<StoredInstitution> {
    return requireMember(this.deps.store, id);
  }

  async onboard(input: NewInstitution, ctx: RequestContext): Promise<{ institution: StoredInstitution; apiKey: string }> {
    // checked before a key is made, so a duplicate costs no KMS key; the transaction below re-checks
    if (await this.deps.store.institutions.get(input.id, true)) throw new ConflictError(`institution ${input.id} already exists`);
    const now = this.deps.clock.now().toISOString();
    const key = await this.provisionKey(input.id, 'key-1', now);
    const apiKey = generateApiKey();
    const record: InstitutionRecord = {
      ...input,
      status: 'active',
      keys: [key],
      createdAt: now,
      updatedAt: now,
    };
    try {
      const institution = await this.deps.store.institutions.create(record, [
        this.deps.store.apiKeys.create({ keyId: apiKey.keyId, owner: { kind: 'institution', institutionId: input.id }, secretHash: apiKey.secretHash, createdAt: now }),
        this.audit(ctx, 'institution.create', input.id, `institutions/${input.id}`, now, { signingKey: key.id, apiKey: apiKey.keyId }),
      ]);
      return { institution, apiKey: apiKey.apiKey };
    } catch (error) {
      // nothing half-onboarded: the key nobody will use is given up
      await this.deps.keyVault.discardKey(key.keyRef).catch(() => undefined);
      throw error;
    }
  }

  /** A new active key; the old one is retired but stays in the DID document so old credentials verify. */
  async rotateKey(id: string, ctx: RequestContext): Promise<StoredInstitution> {
    const current = await this.getConsistent(id);
    const now = this.deps.clock.now().toISOString();
    const keyId = `key-${current.keys.length + 1}`;
    const key = await this.provisionKey(id, keyId, now);
    const next: InstitutionRecord = {
      ...current,
      keys: [...current.keys.map((k) => ({ ...k, status: 'retired' as const })), key],
      updatedAt: now,
    };
    try {
      return await this.deps.store.institutions.update(current, next, [
        this.audit(ctx, 'institution.rotate-key', id, `institutions/${id}/keys/${keyId}`, now, {
          retired: current.keys.filter((k) => k.status === 'active').map((k) => k.id),
          active: keyId,
        }),
      ]);
    } catch (error) {
      await this.deps.keyVault.discardKey(key.keyRef).catch(() => undefined);
      throw error;
    }
  }

  async setStatus(id: string, status: 'active' | 'suspended', ctx: RequestContext): Promise<StoredInstitution> {
    const current = await this.getConsistent(id);
    if (current.status === status) return current;
    const now = this.deps.clock.now().toISOString();
    return this.deps.store.institutions.update(current, { ...current, status, updatedAt: now }, [
      this.audit(ctx, status === 'suspended' ? 'institution.suspend' : 'institution.reinstate', id, `institutions/${id}`, now),
    ]);
  }

  async createApiKey(id: string, ctx: RequestContext): Promise<{ id: string; apiKey: string }> {
    await this.get(id);
    const now = this.deps.clock.now().toISOString();
    const apiKey = generateApiKey();
    await this.deps.store.commit([
      this.deps.store.apiKeys.create({ keyId: apiKey.keyId, owner: { kind: 'institution', institutionId: id }, secretHash: apiKey.secretHash, createdAt: now }),
      this.audit(ctx, 'api-key.create', id, `institutions/${id}/api-keys/${apiKey.keyId}`, now),
    ]);
    return { id: apiKey.keyId, apiKey: apiKey.apiKey };
  }

  async revokeApiKey(id: string, keyId: string, ctx: RequestContext): Promise<void> {
    const owner: KeyOwner = { kind: 'institution', institutionId: id };
    const existing = await this.deps.store.apiKeys.get(keyId);
    if (!existing || existing.owner.kind !== 'institution' || existing.owner.institutionId !== id) {
      throw new NotFoundError(`institution ${id} has no API key ${keyId}`);
    }
    if (existing.status === 'revoked') throw new ConflictError(`API key ${keyId} is already revoked`);
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.commit([
      this.deps.store.apiKeys.revoke(owner, keyId, now),
      this.audit(ctx, 'api-key.revoke', id, `institutions/${id}/api-keys/${keyId}`, now),
    ]);
  }

  /**
   * Revokes every API key of an institution that still works (a key may be compromised), and
   * answers their ids. One transaction and one audit record per {@link REVOKE_ALL_CHUNK} keys;
   * a key revoked by someone else meanwhile is skipped by reading the keys again.
   */
  async revokeAllApiKeys(id: string, ctx: RequestContext): Promise<string[]> {
    await this.get(id);
    const owner: KeyOwner = { kind: 'institution', institutionId: id };
    const revoked: string[] = [];
    const audit = (keyIds: string[], at: string) => this.audit(ctx, 'api-key.revoke-all', id, `institutions/${id}/api-keys`, at, { revoked: keyIds });
    for (let attempt = 0; ; attempt++) {
      const active = await this.deps.store.apiKeys.activeIds(owner);
      if (active.length === 0) break;
      try {
        for (let start = 0; start < active.length; start += REVOKE_ALL_CHUNK) {
          const chunk = active.slice(start, start + REVOKE_ALL_CHUNK);
          const now = this.deps.clock.now().toISOString();
          await this.deps.store.commit([...chunk.map((keyId) => this.deps.store.apiKeys.revoke(owner, keyId, now)), audit(chunk, now)]);
          revoked.push(...chunk);
        }
      } catch (error) {
        // another call revoked one of them first: read what is left and go on
        if (!(error instanceof ConflictError) || attempt >= 4) throw error;
      }
    }
    // a call that found nothing to revoke is still a record of who asked
    if (revoked.length === 0) await this.deps.store.commit([audit([], this.deps.clock.now().toISOString())]);
    return revoked;
  }

  private getConsistent(id: string): Promise<StoredInstitution> {
    return requireMember(this.deps.store, id, { consistent: true });
  }

  private async provisionKey(institutionId: string, keyId: string, now: string): Promise<StoredSigningKey> {
    try {
      const created = await this.deps.keyVault.createKey({ consortium: this.deps.consortium, institutionId, keyId });
      return { id: keyId, keyRef: created.keyRef, publicKeyMultibase: ed25519ToMultibase(created.publicKey), status: 'active', createdAt: now };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      (this.deps.log ?? consoleLog).error('signing key provisioning failed', { institutionId, error });
      throw new DependencyError('the signing key could not be created; nothing was stored, retry later');
    }
  }

  private audit(ctx: RequestContext, action: string, institution: string, target: string, at: string, details?: Record<string, unknown>) {
    return this.deps.store.audit.entry(auditEntry(ctx, { at, action, institution, target, details }));
  }
}
