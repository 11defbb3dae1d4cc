/**
 * One graduation-run worker instance, in a child process of its own so that its CPU and memory
 * are its own: the code the Lambda worker runs (`chunkWorker` over `BatchRunner.processChunk`,
 * one SQS message of one chunk at a time, as batchSize 1 gives each instance), against the
 * benchmark's DynamoDB Local table, signing with the local key vault (the exchange's keys),
 * optionally through the benchmark's simulated KMS account and a RateLimitedKeyVault at
 * CX_SIGN_RATE as in Lambda. Chunks come from the benchmark (`pull`, SQS's stand-in) and go back
 * with their outcome (`done`: a failed one is delivered again). Notices are handed to a queue
 * that only counts them (SQS SendMessage in AWS; no DynamoDB request).
 *
 * Configuration: CX_BENCH_WORKER, JSON of `WorkerConfig`.
 */
import { join } from 'node:path';
import { credentialServices, type BatchChunkMessage } from '@cx/core';
import type { JobQueue, KeyVault, Log } from '@cx/domain';
import { LocalKeyVault, RateLimitedKeyVault } from '@cx/signing';
import { Store } from '@cx/store';
import { chunkWorker } from '../../functions/credentials/src/batch-handlers.js';
import { parentChannel, ready } from './channel.js';
import { countRequests } from '@cx/store/request-counts';
import { AdmittedKeyVault } from './simulated-kms.js';

export interface WorkerConfig {
  endpoint: string;
  tableName: string;
  dataDir: string;
  publicUrl: string;
  consortium: string;
  /** Sign through the benchmark's simulated KMS account (its latency, its quota). */
  kms?: boolean;
  /** At most this many Sign calls per second (CX_SIGN_RATE), through a RateLimitedKeyVault. */
  signRate?: number;
}

/** A chunk as SQS delivers it. */
export interface Delivery {
  messageId: string;
  message: BatchChunkMessage;
  receiveCount: number;
}

export interface WorkerStats {
  chunks: number;
  failedDeliveries: number;
  /** CPU of this process from its first chunk to its last. */
  cpuMs: number;
  /** Wall time from its first chunk to its last. */
  busyMs: number;
  /** The highest resident set size sampled (every 50 ms) and the kernel's maximum, in bytes. */
  peakRss: number;
  maxRss: number;
  requests: Record<string, number>;
  items: Record<string, number>;
  notices: number;
  signed: number;
  throttled: number;
}

const config = JSON.parse(process.env.CX_BENCH_WORKER ?? '') as WorkerConfig;
const channel = parentChannel();

// errors only, one line each: a worker's info records would drown the benchmark's tables
const log: Log = {
  info: () => undefined,
  warn: () => undefined,
  error: (message, fields) => console.error(`worker ${process.pid}: ${message}${fields?.error ? `: ${String((fields.error as Error).message ?? fields.error)}` : ''}`),
  withKeys: (_keys, work) => work(),
};

// the store makes its client from this config, as @cx/store/dynamodb-local's localClient does
// (that module also starts engines: not bundled here)
const store = new Store({ tableName: config.tableName, clientConfig: { endpoint: config.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } });
// the document client shares its client's middleware stack
const counts = countRequests(store.table.doc);
const local = new LocalKeyVault(join(config.dataDir, 'keys'));
const admitted = config.kms ? new AdmittedKeyVault(local, () => channel.request<boolean>('sign')) : undefined;
const signer: KeyVault = admitted ?? local;
const keyVault: KeyVault = config.signRate ? new RateLimitedKeyVault(signer, { perSecond: config.signRate }) : signer;
let notices = 0;
const noticeQueue: JobQueue<unknown> = { send: async (messages) => void (notices += messages.length) };
const batchQueue: JobQueue<unknown> = {
  send: async () => {
    throw new Error('a worker sends no chunks');
  },
};
const services = credentialServices({ store, keyVault, publicUrl: config.publicUrl, consortium: config.consortium, log, noticeQueue, batchQueue });
const handle = chunkWorker(services.batches, log);

let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);

let chunks = 0;
let failedDeliveries = 0;
let first: { cpu: NodeJS.CpuUsage; at: number } | undefined;
let last: { cpu: NodeJS.CpuUsage; at: number } | undefined;

async function work(): Promise<void> {
  for (let delivery = await channel.request<Delivery | null>('pull'); delivery; delivery = await channel.request<Delivery | null>('pull')) {
    first ??= { cpu: process.cpuUsage(), at: performance.now() };
    const answer = await handle({
      Records: [{ messageId: delivery.messageId, body: JSON.stringify(delivery.message), attributes: { ApproximateReceiveCount: String(delivery.receiveCount) } }],
    } as Parameters<typeof handle>[0]);
    const failed = answer.batchItemFailures.length > 0;
    chunks++;
    if (failed) failedDeliveries++;
    last = { cpu: process.cpuUsage(), at: performance.now() };
    await channel.request('done', { messageId: delivery.messageId, failed });
  }
}

channel.handle('work', () => work());

channel.handle('stats', (): WorkerStats => {
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return {
    chunks,
    failedDeliveries,
    cpuMs: first && last ? (last.cpu.user - first.cpu.user + last.cpu.system - first.cpu.system) / 1000 : 0,
    busyMs: first && last ? last.at - first.at : 0,
    peakRss,
    maxRss: process.resourceUsage().maxRSS * 1024,
    requests: counts.requests,
    items: counts.items,
    notices,
    signed: admitted?.signed ?? 0,
    throttled: admitted?.throttled ?? 0,
  };
});

channel.handle('exit', () => {
  setImmediate(() => process.exit(0));
  return true;
});

await ready(channel);
