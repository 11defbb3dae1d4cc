/** What lambdaDeps takes from a function's environment. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Store } from '@cx/store';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaDeps, noKeyVault, noMailer } from './lambda.js';

// never called: lambdaDeps only hands it on
const store = new Store({ tableName: 'lambda-deps-test', client: new DynamoDBClient({ region: 'eu-west-1' }) });

describe('lambdaDeps', () => {
  afterEach(() => vi.unstubAllEnvs());

  function stubEnv(variables: Record<string, string>) {
    vi.stubEnv('CX_PUBLIC_URL', 'https://exchange.example.eu');
    vi.stubEnv('CX_CONSORTIUM', 'test-consortium');
    vi.stubEnv('CX_MAIL_RATE', '');
    vi.stubEnv('CX_CLAIM_DAYS', '');
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  }

  it("takes the notice sender's share of the sending rate and the claim link days from the environment", () => {
    stubEnv({ CX_MAIL_RATE: '7', CX_CLAIM_DAYS: '10' });

    expect(lambdaDeps({ store })).toMatchObject({ mailRate: 7, claimDays: 10 });
  });

  it("leaves them to core's defaults where the stack sets none", () => {
    stubEnv({});

    const deps = lambdaDeps({ store });

    expect(deps).not.toHaveProperty('mailRate');
    expect(deps).not.toHaveProperty('claimDays');
  });

  it('refuses to start with a sending rate that is not a positive number', () => {
    stubEnv({ CX_MAIL_RATE: 'fast' });

    expect(() => lambdaDeps({ store })).toThrow(/CX_MAIL_RATE must be a positive number/);
  });

  it('gives a function that does not mail a mailer that refuses, rather than one that drops notices', async () => {
    stubEnv({});

    const deps = lambdaDeps({ store });

    expect(deps.mailer).toBe(noMailer);
    expect(deps.keyVault).toBe(noKeyVault);
    await expect(noMailer.send({ id: 'n-1', to: 'ada@example.org', subject: 's', text: 't', html: 'h' })).rejects.toThrow(/has no mailer/);
  });
});
