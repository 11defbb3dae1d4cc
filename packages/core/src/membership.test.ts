import { ForbiddenError, NotFoundError, type InstitutionRecord } from '@cx/domain';
import { MemoryPersistence } from '@cx/memory-store';
import { describe, expect, it } from 'vitest';
import { requireActiveMember, requireMember } from './membership.js';

const institution = (status: 'active' | 'suspended'): InstitutionRecord => ({
  id: 'uni-a',
  name: 'University A',
  country: 'NL',
  homepage: 'https://uni-a.example',
  status,
  keys: [],
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
});

async function withMember(status: 'active' | 'suspended'): Promise<MemoryPersistence> {
  const persistence = new MemoryPersistence();
  await persistence.institutions.create(institution(status), []);
  return persistence;
}

describe('requireMember', () => {
  it('answers a member', async () => {
    const persistence = await withMember('suspended');

    expect((await requireMember(persistence, 'uni-a', { consistent: true })).id).toBe('uni-a');
  });

  it('refuses an institution that is not a member with NotFoundError', async () => {
    const error = await requireMember(new MemoryPersistence(), 'uni-x').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('institution uni-x is not a member of the consortium');
  });
});

describe('requireActiveMember', () => {
  it('answers an active member', async () => {
    const persistence = await withMember('active');

    expect((await requireActiveMember(persistence, 'uni-a', 'can issue nothing new')).status).toBe('active');
  });

  it('refuses a suspended member with ForbiddenError naming what it cannot do', async () => {
    const persistence = await withMember('suspended');

    const error = await requireActiveMember(persistence, 'uni-a', 'can issue nothing new').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as Error).message).toBe('uni-a is suspended and can issue nothing new');
  });
});
