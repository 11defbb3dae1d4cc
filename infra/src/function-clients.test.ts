/**
 * Each function bundles only the AWS clients it uses: KMS for the functions whose topology
 * entry signs or creates keys, SQS for those that send to a queue, SES for the one that
 * mails, DynamoDB for every function that reads the table. Read from esbuild's metafile of
 * the very build infra deploys.
 */
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionSpec } from '@cx/runtime/topology';
import { bundleMetafile } from './bundle.js';

/** The AWS SDK client packages among a bundle's inputs, e.g. `client-kms`. */
function awsClients(metafile: Metafile): string[] {
  const clients = Object.keys(metafile.inputs).flatMap((input) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input)?.[1] ?? []);
  return [...new Set(clients)].sort();
}

/** The clients a function's topology entry says it needs. */
function expectedClients(spec: FunctionSpec): string[] {
  const clients = spec.name === 'docs' ? [] : ['client-dynamodb'];
  if (spec.signs || spec.createsKeys) clients.push('client-kms');
  if (spec.sendsTo?.length) clients.push('client-sqs');
  if (spec.mails) clients.push('client-sesv2');
  return clients.sort();
}

/** The packages among a bundle's inputs whose name matches, e.g. the AWS credential providers. */
function packages(metafile: Metafile, pattern: RegExp): string[] {
  // inputs in a plugin's namespace (`lambda-credentials:...`) are stand-ins, not the package at their path
  const real = Object.keys(metafile.inputs).filter((input) => !/^[a-z-]+:/.test(input));
  const names = real.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/.*node_modules\/\.pnpm\/[^/]+\//, ''))?.[1] ?? []);
  return [...new Set(names)].filter((name) => pattern.test(name)).sort();
}

describe('the AWS clients in each function bundle', () => {
  const clients = new Map<string, string[]>();
  const metafiles = new Map<string, Metafile>();
  beforeAll(async () => {
    const built = await Promise.all(FUNCTIONS.map(async (spec) => [spec.name, await bundleMetafile(spec)] as const));
    for (const [name, metafile] of built) {
      clients.set(name, awsClients(metafile));
      metafiles.set(name, metafile);
    }
    // every function's build at once, with the bundles' plugins, on a shared machine
  }, 240_000);

  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))('are those the topology says %s uses', (name, spec) => {
    expect(clients.get(name)).toEqual(expectedClients(spec));
  });

  it.each(FUNCTIONS.filter((spec) => spec.name !== 'docs').map((spec) => [spec.name] as const))(
    'take credentials from the environment, as Lambda gives them, without the rest of the default chain (%s)',
    (name) => {
      const metafile = metafiles.get(name)!;
      expect(packages(metafile, /credential-provider|nested-clients/)).toEqual(['@aws-sdk/credential-provider-env']);
      expect(Object.keys(metafile.inputs).some((input) => input.startsWith('lambda-credentials:'))).toBe(true);
    },
  );

  it("keep zod's English messages only, of its locales", () => {
    const locales = Object.keys(metafiles.get('verify')!.inputs).filter((input) => /zod\/v4\/locales\//.test(input));
    expect(locales.map((input) => input.replace(/.*zod\/v4\/locales\//, ''))).toEqual(expect.arrayContaining(['en.js']));
    expect(locales.filter((input) => !/\/(?:en|index)\.js$/.test(input))).toEqual([]);
  });

  it('leave KMS and SQS out of the bundles of functions that neither sign nor send', () => {
    expect(clients.get('verify')).toEqual(['client-dynamodb']);
    expect(clients.get('catalogue')).toEqual(['client-dynamodb']);
    expect(clients.get('notice-events')).toEqual(['client-dynamodb']);
  });

  it('put the SES client in the notice sender only: every other function hands its notices to the queue', () => {
    expect([...clients].filter(([, names]) => names.includes('client-sesv2')).map(([name]) => name)).toEqual(['notice-sender']);
    expect(clients.get('pages')).toEqual(['client-dynamodb', 'client-kms', 'client-sqs']);
  });
});
