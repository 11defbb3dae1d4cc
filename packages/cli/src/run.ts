/**
 * `cx`: finds the command, parses its arguments with node:util parseArgs, runs it, and turns
 * every failure into a message and an exit code: 2 for a command line that cannot be run
 * (with the usage), 1 for anything that failed, 0 for success.
 */
import { parseArgs } from 'node:util';
import { ApiError, InvalidRequestError, NetworkError } from '@cx/client';
import { CommandContext, DEFAULT_URL, type CliIo, type CommandSpec } from './command.js';
import { catalogueCommands } from './commands/catalogue.js';
import { credentialCommands } from './commands/credentials.js';
import { institutionCommands } from './commands/institutions.js';
import { verifyCommands } from './commands/verify.js';
import { CliError, UsageError } from './errors.js';
import { describeClientError } from './report.js';

export const COMMANDS: CommandSpec[] = [...institutionCommands, ...catalogueCommands, ...credentialCommands, ...verifyCommands];

const SETTINGS = [
  'Settings (environment):',
  `  CX_URL          the exchange, e.g. https://exchange.example.eu (default ${DEFAULT_URL}, where pnpm start listens)`,
  '  CX_API_KEY      an admin key for consortium tasks, or an institution\'s key for its catalogue and credentials',
  '  CX_INSTITUTION  the institution commands act for (or --institution); by default the institution of CX_API_KEY',
];

/** The overview: every command with its summary. */
export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: cx <command> [arguments] [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...SETTINGS,
    '',
    'Run cx <command> --help for its arguments and options. Exit codes: 0 done, 1 failed, 2 wrong command line.',
  ].join('\n');
}

/** The usage of one command: synopsis, description and options. */
export function usage(spec: CommandSpec): string {
  const options = Object.entries(spec.options ?? {});
  const optionText = options.map(([name, o]) => `--${name}${o.type === 'string' ? ` ${o.placeholder ?? '<value>'}` : ''}`);
  const width = Math.max(0, ...optionText.map((t) => t.length));
  return [
    `Usage: cx ${spec.name}${spec.args ? ` ${spec.args}` : ''}${options.length ? ' [options]' : ''}`,
    '',
    spec.description,
    ...(options.length ? ['', 'Options:', ...options.map(([, o], i) => `  ${optionText[i]!.padEnd(width)}  ${o.description}`)] : []),
    '',
    ...SETTINGS,
  ].join('\n');
}

/** The command named by the first words of `argv`, and the arguments after them. */
function findCommand(argv: string[]): { spec?: CommandSpec; rest: string[]; group?: string } {
  const [first, second] = argv;
  const two = COMMANDS.find((c) => c.name === `${first} ${second}`);
  if (two) return { spec: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === first);
  if (one) return { spec: one, rest: argv.slice(1) };
  const group = COMMANDS.some((c) => c.name.startsWith(`${first} `)) ? first : undefined;
  return { rest: argv, group };
}

function groupUsage(group: string): string {
  const commands = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [`Usage: cx ${group} <${commands.map((c) => c.name.slice(group.length + 1)).join('|')}> ...`, '', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

/**
 * Runs `cx` with `argv` (the arguments after the program name) and answers the exit code.
 *
 * @example
 * process.exitCode = await run(['verify', 'credential.json'], nodeIo());
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const err = (text: string) => io.stderr.write(`${text}\n`);
  if (argv.length === 0) {
    err(overview());
    return 2;
  }
  if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const { spec, group } = findCommand(argv.slice(1));
    io.stdout.write(`${spec ? usage(spec) : group ? groupUsage(group) : overview()}\n`);
    return 0;
  }

  const { spec, rest, group } = findCommand(argv);
  if (!spec) {
    if (group) {
      const action = argv[1];
      err(`cx: ${action === undefined || action.startsWith('-') ? `cx ${group} needs a command` : `unknown command "${group} ${action}"`}\n\n${groupUsage(group)}`);
    } else err(`cx: unknown command "${argv[0]}"\n\n${overview()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${usage(spec)}\n`);
    return 0;
  }

  let ctx: CommandContext | undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: spec.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      // node's messages carry advice about `--` that does not apply here; the first sentence says it
      throw new UsageError((error as Error).message.split('. ')[0]!.replace(/\.$/, ''), spec.name);
    }
    const { min, max } = spec.positionals;
    const count = parsed.positionals.length;
    if (count < min) throw new UsageError(`missing ${spec.args ?? 'arguments'}`, spec.name);
    if (count > max) throw new UsageError(`unexpected argument${count - max > 1 ? 's' : ''}: ${parsed.positionals.slice(max).join(' ')}`, spec.name);
    ctx = new CommandContext(spec, io, parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
    return await spec.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      const target = COMMANDS.find((c) => c.name === error.command);
      err(`cx: ${error.message}${target ? `\n\n${usage(target)}` : ''}`);
      return error.exitCode;
    }
    if (error instanceof CliError) {
      err(`cx: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ApiError || error instanceof NetworkError || error instanceof InvalidRequestError) {
      const url = io.env.CX_URL?.trim() || DEFAULT_URL;
      for (const line of describeClientError(error, { url, urlIsDefault: !io.env.CX_URL?.trim() })) err(line);
      // input the API refuses before anything is sent came from the command line
      return error instanceof InvalidRequestError ? 2 : 1;
    }
    err(`cx: unexpected failure: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}
