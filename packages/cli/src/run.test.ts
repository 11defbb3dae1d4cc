/** The command line itself: usage, help and exit codes, before anything is sent. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './command.js';
import { run } from './run.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  requests: number;
}

async function cx(argv: string[], env: Record<string, string> = {}): Promise<Ran> {
  const ran = { stdout: '', stderr: '', requests: 0 };
  const io: CliIo = {
    env,
    stdout: { write: (t) => void (ran.stdout += t) },
    stderr: { write: (t) => void (ran.stderr += t) },
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    readStdin: async () => '',
    fetch: async () => {
      ran.requests++;
      return new Response('{}', { status: 500 });
    },
  };
  return { code: await run(argv, io), ...ran };
}

describe('cx', () => {
  it('prints the overview and exits 2 without a command', async () => {
    const ran = await cx([]);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('Usage: cx <command>');
    expect(ran.stderr).toContain('catalogue import');
  });

  it('prints the usage of a command for --help and exits 0', async () => {
    const ran = await cx(['credentials', 'issue-batch', '--help']);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('Usage: cx credentials issue-batch <file.csv|file.json> [options]');
  });

  it('exits 2 for an unknown command, naming it', async () => {
    const ran = await cx(['catalogue', 'explode']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('unknown command "catalogue explode"');
  });

  it('exits 2 with the usage for a missing argument', async () => {
    const ran = await cx(['verify']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/^cx: missing <file\.json\|->\n\nUsage: cx verify/);
  });

  it('exits 2 for an unknown option, naming it', async () => {
    const ran = await cx(['institutions', 'list', '--colour']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("Unknown option '--colour'");
  });

  it('exits 2 when a command that acts for an institution is given a bad institution id, asking nothing', async () => {
    const ran = await cx(['catalogue', 'import', 'examples/catalogue.csv', '--institution', 'Not An Id'], { CX_API_KEY: 'cxk_x' });

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('the institution id "Not An Id"');
    expect(ran.requests).toBe(0);
  });

  it('exits 2 when a command needs CX_API_KEY and it is not set', async () => {
    const ran = await cx(['institutions', 'suspend', 'uni-a']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('needs an API key: set CX_API_KEY');
    expect(ran.requests).toBe(0);
  });

  it('exits 2 for onboarding values the API would refuse, naming the flags, and sends nothing', async () => {
    const ran = await cx(['institutions', 'add', '--id', 'uni-x', '--name', 'X', '--country', 'Narnia', '--homepage', 'https://x.example.edu'], { CX_API_KEY: 'admin' });

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('cx: --country must be an ISO 3166-1 alpha-2 country code');
    expect(ran.requests).toBe(0);
  });

  it('exits 2 for a CX_URL that is not an http address', async () => {
    const ran = await cx(['institutions', 'list'], { CX_URL: 'localhost:3000' });

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('CX_URL must be the exchange');
  });

  it('exits 1 for a file that does not exist, naming it', async () => {
    const ran = await cx(['catalogue', 'import', 'no-such-file.csv', '--dry-run']);

    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe('cx: cannot read no-such-file.csv: no such file\n');
  });

  it('checks the example catalogue with --dry-run without an exchange', async () => {
    const ran = await cx(['catalogue', 'import', 'examples/catalogue.csv', '--dry-run']);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('10 valid, 0 invalid (nothing was sent)');
    expect(ran.requests).toBe(0);
  });
});
