/** Reading the files commands are given, with messages that name the file and what is wrong. */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { CommandContext } from './command.js';
import { CliError, UsageError } from './errors.js';

export interface InputFile<F extends string> {
  /** The name to show in messages: as given on the command line. */
  source: string;
  bytes: Buffer;
  format: F;
}

/**
 * Reads `file` (relative to the working directory; `-` is standard input, taken as JSON) and
 * tells its format by its extension, which must be one of `formats`.
 */
export async function readInputFile<F extends string>(ctx: CommandContext, file: string, formats: readonly F[]): Promise<InputFile<F>> {
  if (file === '-') {
    if (!formats.includes('json' as F)) throw new UsageError(`cx ${ctx.spec.name} reads a file, not standard input`, ctx.spec.name);
    return { source: 'standard input', bytes: Buffer.from(await ctx.io.readStdin(), 'utf8'), format: 'json' as F };
  }
  const format = extname(file).slice(1).toLowerCase() as F;
  if (!formats.includes(format)) {
    throw new UsageError(`${file} must be a ${formats.map((f) => `.${f}`).join(' or ')} file`, ctx.spec.name);
  }
  try {
    return { source: file, bytes: await readFile(resolve(ctx.io.cwd, file)), format };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`cannot read ${file}: ${reason}`);
  }
}
