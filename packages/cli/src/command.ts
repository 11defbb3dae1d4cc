/** What every command is given and how it is described; the commands live in commands/. */
import { CxClient } from '@cx/client';
import { institutionIdSchema } from '@cx/domain';
import { UsageError } from './errors.js';
import type { Output } from './progress.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  /** Where relative file names start. */
  cwd: string;
  readStdin(): Promise<string>;
  /** Another `fetch` (tests). */
  fetch?: typeof fetch;
}

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; description: string; placeholder?: string };

export interface CommandSpec {
  /** The command words, e.g. `catalogue import`. */
  name: string;
  summary: string;
  /** Positional arguments, `<file>`; optional ones in brackets, `[id]`. */
  args?: string;
  /** What the command does and prints, for `--help`. */
  description: string;
  options?: Record<string, OptionSpec>;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  run(ctx: CommandContext): Promise<number>;
}

/** The exchange's address when CX_URL is not set: where `pnpm start` listens. */
export const DEFAULT_URL = 'http://localhost:3000';

export class CommandContext {
  constructor(
    readonly spec: CommandSpec,
    readonly io: CliIo,
    readonly values: Record<string, string | boolean | undefined>,
    readonly positionals: string[],
  ) {}

  /** A line to stdout. */
  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  /** A line to stderr. */
  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  /** Prints a value as indented JSON (the `--json` output). */
  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** A numeric option within bounds; a usage error names the option otherwise. */
  number(name: string, bounds: { min: number; max: number; integer?: boolean }): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || raw.trim() === '' || (bounds.integer && !Number.isInteger(value)) || value < bounds.min || value > bounds.max) {
      throw new UsageError(`--${name} must be ${bounds.integer ? 'a whole number' : 'a number'} from ${bounds.min} to ${bounds.max}, not "${raw}"`, this.spec.name);
    }
    return value;
  }

  get url(): string {
    return this.io.env.CX_URL?.trim() || DEFAULT_URL;
  }

  /** A client of CX_URL; with `key`, CX_API_KEY must be set. */
  client(auth: 'key' | 'none'): CxClient {
    const apiKey = this.io.env.CX_API_KEY?.trim();
    if (auth === 'key' && !apiKey) {
      throw new UsageError(`cx ${this.spec.name} needs an API key: set CX_API_KEY (an admin key for consortium tasks, an institution's key for its own catalogue and credentials)`, this.spec.name);
    }
    if (!/^https?:\/\/[^/]/i.test(this.url)) throw new UsageError(`CX_URL must be the exchange's http or https address, e.g. ${DEFAULT_URL}; it is "${this.url}"`);
    return new CxClient({ baseUrl: this.url, apiKey: auth === 'key' ? apiKey : undefined, fetch: this.io.fetch });
  }

  /**
   * The institution a command acts for: `--institution`, else CX_INSTITUTION, else the
   * institution CX_API_KEY belongs to (asked of the exchange).
   */
  async institution(): Promise<string> {
    const given = this.string('institution') ?? this.io.env.CX_INSTITUTION?.trim();
    if (given) {
      const parsed = institutionIdSchema.safeParse(given);
      if (!parsed.success) throw new UsageError(`the institution id "${given}" ${parsed.error.issues[0]!.message}`, this.spec.name);
      return given;
    }
    const me = await this.client('key').me();
    if (me.kind !== 'institution' || !me.institution) {
      throw new UsageError('which institution? CX_API_KEY is an admin key: give --institution <id> or set CX_INSTITUTION', this.spec.name);
    }
    return me.institution;
  }
}

export const institutionOption: Record<string, OptionSpec> = {
  institution: { type: 'string', placeholder: '<id>', description: 'the institution (default: CX_INSTITUTION)' },
};

export const jsonOption: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print the answer as JSON' },
};
