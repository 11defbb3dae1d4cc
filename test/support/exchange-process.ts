/**
 * `pnpm start` as a child process, for end-to-end tests over real HTTP: the same entry
 * point (packages/local/src/main.ts), its printed URLs and admin key, and the processes it
 * starts (the DynamoDB Local JVM), so tests can check nothing is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ExchangeProcess {
  child: ChildProcess;
  pid: number;
  /** The URL it said it listens on. */
  url: string;
  /** The docs URL it printed. */
  docsUrl: string;
  /** The admin key it printed, if it made one. */
  adminKey?: string;
  /** The DynamoDB Local JVM it started, found once it was ready. */
  javaPid?: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and waits for the process to exit; resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `pnpm start` (node + tsx on main.ts) with `env` added to this process's environment. */
export async function startExchangeProcess(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ExchangeProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...env };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/local/src/main.ts'], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const deadline = Date.now() + timeoutMs;
  let docs: RegExpExecArray | null = null;
  while (!(docs = /API docs:\s+(\S+)/.exec(output))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the exchange exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the exchange did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /listening on (\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`no URL printed:\n${output}`);
  // every start-up line is written in the same tick as the docs line; one answered request later they have all arrived
  await fetch(`${url}/openapi.json`).then((r) => r.arrayBuffer());
  await new Promise((r) => setTimeout(r, 50));

  return {
    child,
    pid: child.pid!,
    url,
    docsUrl: docs[1]!,
    javaPid: javaChildOf(child.pid!),
    adminKey: /admin key \(shown once[^)]*\):\s*(cxk_\S+)/.exec(output)?.[1],
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The ids of the live processes whose parent is `pid` (Linux /proc). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces, so read after the last ')'
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** The command line of a process, or undefined once it is gone. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}

/** Whether a process is still running (a zombie counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone, up to `timeoutMs`; true when it is. */
export async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The DynamoDB Local JVM a started exchange runs. */
export function javaChildOf(pid: number): number | undefined {
  return childPids(pid).find((child) => /\bjava\b/.test(commandLine(child) ?? '') && /DynamoDBLocal\.jar/.test(commandLine(child) ?? ''));
}

/** Leaves nothing running: SIGKILL to the process and its java child, for afterEach hooks. */
export function killExchangeProcess(exchange: ExchangeProcess | undefined): void {
  if (!exchange) return;
  if (isRunning(exchange.pid)) exchange.child.kill('SIGKILL');
  if (exchange.javaPid !== undefined && isRunning(exchange.javaPid)) process.kill(exchange.javaPid, 'SIGKILL');
}
