/**
 * Requests and answers between the benchmark and the child processes it starts (the plain
 * pipeline, graduation workers) over Node's IPC channel, in both directions: a child asks the
 * benchmark's simulated KMS for a Sign slot while the benchmark asks the child for its figures.
 */
import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Endpoint {
  send?: (message: Serializable) => unknown;
  on(event: 'message', listener: (message: any) => void): unknown;
}

type Wire = { id: number; type: string; payload?: unknown } | { re: number; result?: unknown; error?: string };

/** A failure the other side answered with (its message; the stack stays there). */
export class RemoteError extends Error {}

export class Channel {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private readonly handlers = new Map<string, (payload: any) => unknown>();

  constructor(private readonly endpoint: Endpoint) {
    endpoint.on('message', (message: Wire) => void this.receive(message));
  }

  /** Answers requests of `type` with what `handler` returns (or the message of what it throws). */
  handle<P, R>(type: string, handler: (payload: P) => R | Promise<R>): void {
    this.handlers.set(type, handler);
  }

  request<R>(type: string, payload?: unknown): Promise<R> {
    const id = ++this.nextId;
    return new Promise<R>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.endpoint.send!({ id, type, payload } satisfies Wire as Serializable);
    });
  }

  /** Fails every request still waiting (the other side exited). */
  close(reason: string): void {
    for (const { reject } of this.waiting.values()) reject(new RemoteError(reason));
    this.waiting.clear();
  }

  private async receive(message: Wire): Promise<void> {
    if ('re' in message) {
      const waiter = this.waiting.get(message.re);
      this.waiting.delete(message.re);
      if (message.error !== undefined) waiter?.reject(new RemoteError(message.error));
      else waiter?.resolve(message.result);
      return;
    }
    const handler = this.handlers.get(message.type);
    try {
      if (!handler) throw new Error(`no handler for ${message.type}`);
      this.endpoint.send!({ re: message.id, result: await handler(message.payload) } satisfies Wire as Serializable);
    } catch (error) {
      this.endpoint.send!({ re: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Wire as Serializable);
    }
  }
}

export interface BenchChild {
  process: ChildProcess;
  channel: Channel;
  /** Resolves once the child has set up its handlers (`ready()` on its side). */
  ready: Promise<void>;
  /** Resolves with the exit code once the child has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts `script` (a TypeScript file beside this one) as a child Node process through tsx,
 * with `env` added, its output shown as the benchmark's.
 */
export function startChild(script: string, env: Record<string, string> = {}): BenchChild {
  return started(fork(resolve(dirname(fileURLToPath(import.meta.url)), script), [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), script);
}

/** Starts a bundled module (plain JavaScript, no tsx) as a child Node process, with `env` added. */
export function startBundledChild(file: string, env: Record<string, string> = {}): BenchChild {
  return started(fork(file, [], { cwd: REPO_ROOT, execArgv: [], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), file);
}

function started(child: ChildProcess, script: string): BenchChild {
  const channel = new Channel(child);
  const ready = new Promise<void>((resolveReady) => channel.handle('ready', () => resolveReady()));
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      channel.close(`${script} exited with ${code}`);
      resolveExit(code);
    }),
  );
  return { process: child, channel, ready, exited };
}

/** The child's side: a channel to the benchmark that started it. */
export function parentChannel(): Channel {
  if (!process.send) throw new Error('not started by the benchmark (no IPC channel)');
  return new Channel(process as Endpoint);
}

/** The child's side, once its handlers are set up: tells the benchmark it can send requests. */
export function ready(channel: Channel): Promise<void> {
  return channel.request('ready');
}
