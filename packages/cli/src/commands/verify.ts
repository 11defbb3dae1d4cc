/** Verifying a credential in the terminal: the checks of the verify page, in plain words. */
import type { CheckName, Verification } from '@cx/client';
import { jsonOption, type CommandContext, type CommandSpec } from '../command.js';
import { CliError } from '../errors.js';
import { readInputFile } from '../files.js';

/**
 * Each check as a sentence, for when it holds and when it does not; a status check whose list
 * could not be read (`outcome: 'not-checked'`) has words of its own, so it never reads as revoked.
 */
const CHECK_WORDS: Record<CheckName, { ok: string; failed: string; notChecked?: string }> = {
  schema: { ok: 'It is a well-formed credential', failed: 'It is not a well-formed credential' },
  proof: { ok: 'The signature is intact', failed: 'The signature does not match: the credential was changed after signing, or not signed by that key' },
  'issuer-member': { ok: 'The issuer is a member of the consortium', failed: 'The issuer is not a member of the consortium' },
  revocation: { ok: 'It has not been revoked', failed: 'It has been revoked', notChecked: 'Its revocation status could not be checked' },
  suspension: { ok: 'It is not suspended', failed: 'It is suspended', notChecked: 'Its suspension status could not be checked' },
  'validity-period': { ok: 'It is within its validity period', failed: 'It is outside its validity period' },
  'related-resources': { ok: 'The resources it pins match their digests, or are named as not checked', failed: 'A resource it pins does not match its digest' },
};

/** The credential in a file: the credential itself, or an answer that wraps it (`credential`, `verifiableCredential`). */
export function credentialIn(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const wrapper = value as { credential?: unknown; verifiableCredential?: unknown; proof?: unknown };
    if (wrapper.proof === undefined) {
      if (wrapper.verifiableCredential && typeof wrapper.verifiableCredential === 'object') return wrapper.verifiableCredential;
      if (wrapper.credential && typeof wrapper.credential === 'object') return wrapper.credential;
    }
  }
  return value;
}

/** The achievement's name as the credential states it. */
function achievementName(credential: unknown): string | undefined {
  const subject = (credential as { credentialSubject?: { achievement?: { name?: unknown } } } | null)?.credentialSubject;
  return typeof subject?.achievement?.name === 'string' ? subject.achievement.name : undefined;
}

/** The lines `cx verify` prints for a verification. */
export function verificationLines(result: Verification, credential: unknown): string[] {
  const lines: string[] = [];
  lines.push(
    result.issuer
      ? `Issuer: ${result.issuer.name} (${result.issuer.id}), as the consortium's member list names it${result.issuer.status === 'active' ? '' : `; the member is ${result.issuer.status}`}`
      : 'Issuer: not a member of this consortium',
  );
  const name = achievementName(credential);
  if (result.verified && name) lines.push(`Achievement: ${name}`);
  lines.push('');
  for (const check of result.checks) {
    const words = CHECK_WORDS[check.check] ?? { ok: check.check, failed: `${check.check} failed` };
    if (!check.ok && check.outcome === 'not-checked' && words.notChecked) {
      lines.push(`  ✗ ${words.notChecked}: ${check.detail ?? 'no reason given'}`);
      continue;
    }
    // a passing check's detail mostly repeats its words; the key that signed and the dates do not
    const detail = check.detail && (!check.ok || check.check === 'proof' || check.check === 'validity-period') ? ` (${check.detail})` : '';
    lines.push(`  ${check.ok ? '✓' : '✗'} ${check.ok ? words.ok : words.failed}${detail}`);
  }
  for (const warning of result.warnings) lines.push(`  ! ${warning}`);
  lines.push('');
  const failed = result.checks.filter((c) => !c.ok).length;
  lines.push(result.verified ? 'VERIFIED' : `NOT VERIFIED: ${failed} ${failed === 1 ? 'check' : 'checks'} failed`);
  return lines;
}

const verify: CommandSpec = {
  name: 'verify',
  summary: 'verify a credential file, as the verify page does',
  args: '<file.json|->',
  description: [
    'Sends the credential to the exchange\'s verifier and prints each check in plain words, and the issuer as the',
    "consortium's member list names it (never the name the credential claims). - reads standard input.",
    'Exits 0 if the credential verifies, 1 if not. Public: no key needed.',
  ].join('\n'),
  options: { ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(ctx: CommandContext) {
    const { source, bytes } = await readInputFile(ctx, ctx.positionals[0]!, ['json', 'jsonld']);
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new CliError(`${source} is not JSON, so not a credential: ${(error as Error).message}`);
    }
    const credential = credentialIn(value);
    const result = await ctx.client('none').verify(credential);
    if (ctx.flag('json')) ctx.json(result);
    else for (const line of verificationLines(result, credential)) ctx.out(line);
    return result.verified ? 0 : 1;
  },
};

export const verifyCommands: CommandSpec[] = [verify];
