/** Consortium admin tasks: onboarding members, the member list, suspension, key rotation, API keys. */
import { InvalidRequestError, type Institution } from '@cx/client';
import { jsonOption, type CommandContext, type CommandSpec } from '../command.js';
import { UsageError } from '../errors.js';
import { table } from '../report.js';

/** `erasmusCode` as the flag that gave it, `--erasmus-code`. */
const flagOf = (field: string) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function printInstitution(ctx: CommandContext, institution: Institution): void {
  ctx.out(`${institution.id}: ${institution.name} (${institution.country}), ${institution.status}`);
  ctx.out(`  homepage: ${institution.homepage}`);
  if (institution.erasmusCode) ctx.out(`  Erasmus code: ${institution.erasmusCode}`);
  ctx.out(`  DID: ${institution.did}`);
  for (const key of institution.keys) ctx.out(`  signing key ${key.id} (${key.status}, since ${key.createdAt}): ${key.publicKeyMultibase}`);
}

const add: CommandSpec = {
  name: 'institutions add',
  summary: 'onboard a partner university (admin)',
  description:
    'Creates the member record and the institution\'s own signing key, and prints its first API key.\nThe key is shown once: hand it to the institution\'s staff, who set it as CX_API_KEY.',
  options: {
    id: { type: 'string', placeholder: '<slug>', description: 'the institution id, e.g. uni-leiden (2-40 lowercase letters, digits, hyphens)' },
    name: { type: 'string', placeholder: '<name>', description: 'its name, as verifiers will see it' },
    country: { type: 'string', placeholder: '<CC>', description: 'ISO 3166-1 alpha-2 country code, e.g. NL' },
    homepage: { type: 'string', placeholder: '<url>', description: 'its website, http(s)' },
    'erasmus-code': { type: 'string', placeholder: '<code>', description: 'its Erasmus code, e.g. "NL LEIDEN01" (optional)' },
    ...jsonOption,
  },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const missing = ['id', 'name', 'country', 'homepage'].filter((name) => !ctx.string(name));
    if (missing.length) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(', ')}`, this.name);
    const client = ctx.client('key');
    let onboarded;
    try {
      onboarded = await client.institutions.add({
        id: ctx.string('id')!,
        name: ctx.string('name')!,
        country: ctx.string('country')!,
        homepage: ctx.string('homepage')!,
        ...(ctx.string('erasmus-code') ? { erasmusCode: ctx.string('erasmus-code') } : {}),
      });
    } catch (error) {
      if (error instanceof InvalidRequestError) {
        throw new UsageError(error.errors.map((e) => `${flagOf(e.field)} ${e.message}`).join('; '), this.name);
      }
      throw error;
    }
    if (ctx.flag('json')) {
      ctx.json(onboarded);
      return 0;
    }
    ctx.out(`Onboarded ${onboarded.institution.id} (${onboarded.institution.name}).`);
    ctx.out(`  DID: ${onboarded.institution.did}`);
    ctx.out('API key, shown once (store it safely; staff of the institution set it as CX_API_KEY):');
    ctx.out(`  ${onboarded.apiKey}`);
    return 0;
  },
};

const list: CommandSpec = {
  name: 'institutions list',
  summary: "the consortium's member list",
  description: 'Every member, page after page: id, status, country and name. Public: no key needed.',
  options: { ...jsonOption },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const members: Institution[] = [];
    for await (const member of ctx.client('none').institutions.all()) members.push(member);
    if (ctx.flag('json')) {
      ctx.json(members);
      return 0;
    }
    if (members.length === 0) {
      ctx.out('The consortium has no members yet.');
      return 0;
    }
    for (const line of table(['ID', 'STATUS', 'COUNTRY', 'NAME'], members.map((m) => [m.id, m.status, m.country, m.name]))) ctx.out(line);
    ctx.out(`${members.length} ${members.length === 1 ? 'member' : 'members'}`);
    return 0;
  },
};

const show: CommandSpec = {
  name: 'institutions show',
  summary: 'one member, with its DID and signing keys',
  args: '<id>',
  description: 'Public: no key needed.',
  options: { ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const institution = await ctx.client('none').institutions.get(ctx.positionals[0]!);
    if (ctx.flag('json')) ctx.json(institution);
    else printInstitution(ctx, institution);
    return 0;
  },
};

function adminAction(name: string, summary: string, description: string, act: (ctx: CommandContext, id: string) => Promise<Institution>, done: (i: Institution) => string): CommandSpec {
  return {
    name,
    summary,
    args: '<id>',
    description,
    options: { ...jsonOption },
    positionals: { min: 1, max: 1 },
    async run(ctx) {
      const institution = await act(ctx, ctx.positionals[0]!);
      if (ctx.flag('json')) {
        ctx.json(institution);
        return 0;
      }
      ctx.out(done(institution));
      printInstitution(ctx, institution);
      return 0;
    },
  };
}

const suspend = adminAction(
  'institutions suspend',
  'suspend a member (admin)',
  'A suspended member stays in the member list, marked suspended, and can issue and publish nothing new.',
  (ctx, id) => ctx.client('key').institutions.suspend(id),
  (i) => `Suspended ${i.id}.`,
);

const reinstate = adminAction(
  'institutions reinstate',
  'reinstate a suspended member (admin)',
  'The member can issue and publish again.',
  (ctx, id) => ctx.client('key').institutions.reinstate(id),
  (i) => `Reinstated ${i.id}.`,
);

const rotateKey = adminAction(
  'institutions rotate-key',
  "rotate a member's signing key (admin)",
  'Makes a new active signing key. The old one is retired and stays in the DID document, so credentials signed with it still verify.',
  (ctx, id) => ctx.client('key').institutions.rotateKey(id),
  (i) => `Rotated the signing key of ${i.id}; new credentials are signed with ${i.keys.find((k) => k.status === 'active')?.id ?? 'the new key'}.`,
);

const createKey: CommandSpec = {
  name: 'api-keys create',
  summary: 'a new API key for an institution (admin)',
  args: '<institution>',
  description: 'Prints the key once: hand it to the institution\'s staff, who set it as CX_API_KEY.',
  options: { ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const created = await ctx.client('key').apiKeys.create(ctx.positionals[0]!);
    if (ctx.flag('json')) {
      ctx.json(created);
      return 0;
    }
    ctx.out(`Created API key ${created.id} for ${ctx.positionals[0]}. Shown once:`);
    ctx.out(`  ${created.apiKey}`);
    return 0;
  },
};

const revokeKey: CommandSpec = {
  name: 'api-keys revoke',
  summary: "revoke an institution's API key (admin)",
  args: '<institution> <key-id|api-key>',
  description: 'The key stops working at once. Give its id (the 16 characters after cxk_) or the key itself.',
  positionals: { min: 2, max: 2 },
  async run(ctx) {
    const [institution, key] = ctx.positionals as [string, string];
    await ctx.client('key').apiKeys.revoke(institution, key);
    ctx.out(`Revoked the API key ${/^cxk_/.test(key) ? key.split('_')[1] : key} of ${institution}; it no longer works.`);
    return 0;
  },
};

const revokeAllKeys: CommandSpec = {
  name: 'api-keys revoke-all',
  summary: "revoke every API key of an institution (admin), e.g. when one may be compromised",
  args: '<institution>',
  description:
    'Every key of the institution stops working at once, and the audit log records it. Then make it a new key\n' +
    'with api-keys create. Suspension does not do this: a suspended member keeps its keys to revoke credentials.',
  options: { ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const institution = ctx.positionals[0]!;
    const result = await ctx.client('key').apiKeys.revokeAll(institution);
    if (ctx.flag('json')) {
      ctx.json(result);
      return 0;
    }
    const count = result.revoked.length;
    ctx.out(count === 0 ? `${institution} had no API key left to revoke.` : `Revoked ${count} API ${count === 1 ? 'key' : 'keys'} of ${institution}; none of them works any more:`);
    for (const keyId of result.revoked) ctx.out(`  ${keyId}`);
    return 0;
  },
};

export const institutionCommands: CommandSpec[] = [add, list, show, suspend, reinstate, rotateKey, createKey, revokeKey, revokeAllKeys];
