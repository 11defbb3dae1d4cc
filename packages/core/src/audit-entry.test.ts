import { describe, expect, it } from 'vitest';
import { auditEntry } from './audit-entry.js';

const at = '2026-03-01T10:00:00.000Z';
const principal = { kind: 'institution', institutionId: 'uni-a', keyId: 'k1' } as const;

describe('auditEntry', () => {
  it('records who did what to which thing, under the request id', () => {
    const entry = auditEntry({ principal, requestId: 'req-1' }, { at, action: 'api-key.create', institution: 'uni-a', target: 'institutions/uni-a/api-keys/k2' });

    expect(entry).toEqual({
      at,
      actor: { kind: 'institution', id: 'uni-a', keyId: 'k1' },
      action: 'api-key.create',
      institution: 'uni-a',
      target: 'institutions/uni-a/api-keys/k2',
      requestId: 'req-1',
    });
  });

  it("keeps the caller's correlation id when it sent one", () => {
    const entry = auditEntry({ principal, requestId: 'req-1', correlationId: 'client-7' }, { at, action: 'credential.issue', target: 't' });

    expect(entry.correlationId).toBe('client-7');
  });

  it('says the actor was suspended when it acts for its suspended institution', () => {
    const entry = auditEntry({ principal }, { at, action: 'credential.revoke', target: 't', actingFor: { id: 'uni-a', status: 'suspended' } });

    expect(entry.actor).toEqual({ kind: 'institution', id: 'uni-a', keyId: 'k1', suspended: true });
  });
});
