/** Credential tasks of university staff: graduation runs, and revoking, suspending or reinstating a credential. */
import type { BatchProgress, CxClient } from '@cx/client';
import { fieldIssues, issueRequestSchema } from '@cx/domain';
import { institutionOption, jsonOption, type CommandContext, type CommandSpec } from '../command.js';
import { itemsFromJson, type SourcedItem } from '../catalogue-rows.js';
import { parseCsv } from '../csv.js';
import { CliError, UsageError } from '../errors.js';
import { readInputFile } from '../files.js';
import { GRADUATION_COLUMNS, issueRequestsFromCsv, recipientLabel } from '../graduation-rows.js';
import { ProgressDisplay } from '../progress.js';
import { fieldLines, wrapList, problemFields, problemLine } from '../report.js';

const MAX_BATCH = 10_000;

const intervalOption = {
  interval: { type: 'string' as const, placeholder: '<ms>', description: 'time between two progress checks (default 500)' },
};

/** Polls a run to its end, drawing the progress bar unless the output is JSON. */
async function follow(ctx: CommandContext, client: CxClient, institution: string, batchId: string): Promise<BatchProgress> {
  const intervalMs = ctx.number('interval', { min: 50, max: 60_000, integer: true }) ?? 500;
  const display = ctx.flag('json') ? undefined : new ProgressDisplay(ctx.io.stdout);
  try {
    return await client.credentials.waitForBatch(institution, batchId, { intervalMs, onProgress: (p) => display?.update(p) });
  } finally {
    display?.finish();
  }
}

/** The end of a run: counts, then each failed item with its row, recipient and problem. */
function report(ctx: CommandContext, progress: BatchProgress, sources?: SourcedItem[], label = 'row'): number {
  const where = (index: number) => {
    const source = sources?.[index];
    const who = source ? recipientLabel(source.item) : undefined;
    return `${source ? `${label} ${source.row}` : `item ${index + 1}`}${who ? ` (${who})` : ''}`;
  };
  const failures = [...progress.errors].sort((a, b) => a.index - b.index);
  if (ctx.flag('json')) {
    ctx.json({ ...progress, errors: failures.map((e) => ({ ...e, ...(sources?.[e.index] ? { row: sources[e.index]!.row } : {}) })) });
  } else {
    ctx.out(`${progress.status === 'done' ? 'Done' : 'Done with errors'}: ${progress.issued} issued, ${progress.failed} failed, of ${progress.total}.`);
    if (failures.length > 0) {
      ctx.out('Not issued:');
      for (const failure of failures) {
        ctx.out(`  ${where(failure.index)}: ${problemLine(failure.problem)}`);
        for (const line of fieldLines(problemFields(failure.problem), '      ')) ctx.out(line);
      }
    }
  }
  if (progress.failed > 0) {
    ctx.err(`cx: ${progress.failed} of ${progress.total} credentials were not issued`);
    return 1;
  }
  return 0;
}

const issueBatch: CommandSpec = {
  name: 'credentials issue-batch',
  summary: 'a graduation run: issue a credential per row of a CSV file',
  args: '<file.csv|file.json>',
  description: [
    'Submits every row as one graduation run, shows its progress until it is done, then lists each row that',
    'was not issued with the reason. Exits 1 if any row was not issued. Up to 10,000 rows.',
    '',
    'Columns (case, spaces and hyphens are ignored):',
    wrapList(GRADUATION_COLUMNS),
    'type is component (when empty), badge or micro-degree; version is a catalogue version (the latest when',
    'empty); each recipient needs an email or a did. A JSON file is an array of issue request bodies.',
  ].join('\n'),
  options: {
    ...institutionOption,
    'dry-run': { type: 'boolean', description: "check every row here, with the API's own rules, and send nothing" },
    'no-notices': { type: 'boolean', description: 'send the students no notice with their claim links (the run\'s "notify": false)' },
    ...intervalOption,
    ...jsonOption,
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const dryRun = ctx.flag('dry-run');
    const institution = dryRun ? undefined : await ctx.institution();
    const client = dryRun ? undefined : ctx.client('key');
    ctx.number('interval', { min: 50, max: 60_000, integer: true });

    const { source, bytes, format } = await readInputFile(ctx, file, ['csv', 'json']);
    let sources: SourcedItem[];
    if (format === 'csv') sources = issueRequestsFromCsv(parseCsv(bytes, source), source);
    else {
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new CliError(`${source} is not valid JSON: ${(error as Error).message}`);
      }
      sources = itemsFromJson(value, source, 'issue requests');
    }
    const label = format === 'csv' ? 'row' : 'item';
    if (sources.length === 0) throw new CliError(`${file} holds no rows to issue`);
    if (sources.length > MAX_BATCH) throw new CliError(`${file} holds ${sources.length} rows; a graduation run takes at most ${MAX_BATCH}: split the file`);

    if (dryRun) {
      let invalid = 0;
      for (const { row, item } of sources) {
        const parsed = issueRequestSchema.safeParse(item);
        if (parsed.success) continue;
        invalid++;
        const who = recipientLabel(item);
        ctx.out(`  ${label} ${row}${who ? ` (${who})` : ''}: invalid`);
        for (const line of fieldLines(fieldIssues(parsed.error), '      ')) ctx.out(line);
      }
      ctx.out(`Checked ${sources.length} ${label}s: ${sources.length - invalid} valid, ${invalid} invalid (nothing was sent)`);
      if (invalid > 0) ctx.err(`cx: ${invalid} of ${sources.length} ${label}s would be refused; see the fields named above`);
      return invalid > 0 ? 1 : 0;
    }

    const submitted = await client!.credentials.submitBatch(
      institution!,
      sources.map((s) => s.item),
      ctx.flag('no-notices') ? { notify: false } : {},
    );
    if (!ctx.flag('json')) {
      ctx.out(`Graduation run ${submitted.id} for ${institution}: ${submitted.total} credentials from ${file}.`);
      ctx.out(`(If this is interrupted the run goes on; follow it with: cx credentials batch-status ${submitted.id} --institution ${institution})`);
    }
    const done = await follow(ctx, client!, institution!, submitted.id);
    return report(ctx, done, sources, label);
  },
};

const batchStatus: CommandSpec = {
  name: 'credentials batch-status',
  summary: 'follow a graduation run to its end',
  args: '<batch-id>',
  description: 'Shows the progress of a run until it is done, then lists the items that were not issued (item n is the n-th row).',
  options: { ...institutionOption, ...intervalOption, ...jsonOption },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const institution = await ctx.institution();
    const client = ctx.client('key');
    return report(ctx, await follow(ctx, client, institution, ctx.positionals[0]!));
  },
};

function statusCommand(action: 'revoke' | 'suspend' | 'reinstate', status: 'revoked' | 'suspended' | 'active', summary: string, description: string): CommandSpec {
  return {
    name: `credentials ${action}`,
    summary,
    args: '<credential-id>',
    description,
    options: { ...institutionOption, reason: { type: 'string', placeholder: '<text>', description: 'why (kept with the credential and in the audit log)' }, ...jsonOption },
    positionals: { min: 1, max: 1 },
    async run(ctx) {
      const reason = ctx.string('reason');
      if (!reason?.trim()) throw new UsageError('give the reason with --reason "<text>"', this.name);
      const institution = await ctx.institution();
      const record = await ctx.client('key').credentials.changeStatus(institution, ctx.positionals[0]!, { status, reason });
      if (ctx.flag('json')) ctx.json(record);
      else ctx.out(`${record.id} of ${record.recipient.name} is now ${record.status}; verifiers see it at once.`);
      return 0;
    },
  };
}

export const credentialCommands: CommandSpec[] = [
  issueBatch,
  batchStatus,
  statusCommand('revoke', 'revoked', 'revoke a credential (final)', 'Revocation is final. The status list shows it as soon as this answers.'),
  statusCommand('suspend', 'suspended', 'suspend a credential', 'A suspended credential does not verify until it is reinstated.'),
  statusCommand('reinstate', 'active', 'lift the suspension of a credential', 'The credential verifies again.'),
];
