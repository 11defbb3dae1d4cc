/** The process's own streams, environment and working directory, as `run` takes them. */
import { text } from 'node:stream/consumers';
import type { CliIo } from './command.js';

/**
 * The working directory file names are relative to: where the person typed `pnpm cx`, which
 * pnpm passes as INIT_CWD while it runs the script from the repository root.
 */
function workingDirectory(env: NodeJS.ProcessEnv): string {
  return env.npm_lifecycle_event === 'cx' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

export function nodeIo(): CliIo {
  return {
    env: process.env,
    stdout: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY, columns: process.stdout.columns },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY, columns: process.stderr.columns },
    cwd: workingDirectory(process.env),
    readStdin: () => text(process.stdin),
  };
}
