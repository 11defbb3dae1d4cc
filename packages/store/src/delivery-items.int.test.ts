/**
 * The items the delivery repositories write, as DynamoDB holds them: what the contract
 * suite cannot see through the port (TTL in epoch seconds, index membership).
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshStore } from '../../../test/support/dynamo.js';
import { entities } from './entities.js';
import type { Store } from './store.js';
import { TTL_ATTRIBUTE } from './table-definition.js';

const DAY = 24 * 3600;
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe('delivery items on DynamoDB Local', () => {
  let store: Store;

  beforeEach(async () => {
    store = await freshStore();
  });

  afterEach(async () => {
    await store.table.doc.send(new DeleteTableCommand({ TableName: store.table.name }));
  });

  it('lets TTL remove a claim link 30 days after it expires, and sign-in links and sessions when they expire', async () => {
    const expiresAt = '2026-02-01T00:00:00.000Z';
    await store.commit(
      store.deliveries.create({
        institution: 'uni-a',
        credentialId: 'cred-1',
        emailHash: 'email-ada',
        issuedAt: '2026-01-01T00:00:00.000Z',
        claimTokenHash: 'claim-1',
        claimExpiresAt: expiresAt,
        revision: 1,
        updatedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    await store.sessions.createSignIn({ tokenHash: 'signin-1', emailHash: 'email-ada', createdAt: '2026-01-31T23:45:00.000Z', expiresAt });
    await store.sessions.create({ idHash: 'session-1', emailHash: 'email-ada', createdAt: '2026-01-31T12:00:00.000Z', expiresAt });

    const claim = await store.table.get(entities.claim.key({ tokenHash: 'claim-1' }), true);
    const signIn = await store.table.get(entities.signIn.key({ tokenHash: 'signin-1' }), true);
    const session = await store.table.get(entities.session.key({ idHash: 'session-1' }), true);

    expect(claim).toMatchObject({ entity: 'claim', schemaVersion: 1, [TTL_ATTRIBUTE]: epoch(expiresAt) + 30 * DAY });
    expect(signIn).toMatchObject({ entity: 'sign-in', schemaVersion: 1, [TTL_ATTRIBUTE]: epoch(expiresAt) });
    expect(session).toMatchObject({ entity: 'session', schemaVersion: 1, [TTL_ATTRIBUTE]: epoch(expiresAt) });
  });

  it('takes a notice out of the queued index at its first transition, and keeps sign-in notices out of the credential index', async () => {
    const queued = { kind: 'claim', toHash: 'email-ada', institution: 'uni-a', credentialId: 'cred-1', state: 'queued', createdAt: '2026-01-01T00:00:00.000Z' } as const;
    await store.commit([
      store.notices.create({ id: 'n-1', ...queued }),
      store.notices.create({ id: 'n-2', kind: 'sign-in', toHash: 'email-ada', state: 'queued', createdAt: '2026-01-01T00:00:00.000Z' }),
    ]);

    await store.notices.transition('n-1', ['queued'], 'sending', { claimedAt: '2026-01-01T00:00:01.000Z' });

    const claimNotice = await store.table.get(entities.notice.key({ id: 'n-1' }), true);
    const signInNotice = await store.table.get(entities.notice.key({ id: 'n-2' }), true);
    expect(claimNotice).not.toHaveProperty('gsi1pk');
    expect(claimNotice).toMatchObject({ gsi2pk: 'NOTICESOF#uni-a#cred-1', state: 'sending' });
    expect(signInNotice).toMatchObject({ gsi1pk: 'NOTICES#QUEUED' });
    expect(signInNotice).not.toHaveProperty('gsi2pk');
  });
});
