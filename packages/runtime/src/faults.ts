/**
 * Rehearsing AWS's failures locally: SDK middleware that makes a share of DynamoDB and KMS
 * calls fail with the errors AWS really sends, so retries, back-off and error mapping are
 * exercised against DynamoDB Local (no mock of storage). Off unless asked for, with
 * `CX_FAULTS` (`dynamodb=0.1,kms=0.1,seed=7`) or `faults` in the local exchange's options.
 *
 * The middleware sits in the deserialize step, below the SDK's retry middleware: an
 * injected throttle is deserialized from a real-looking error response and retried by the
 * SDK's retry strategy exactly as one from AWS would be. A "timeout after effect" lets the
 * call reach the engine, drops the answer and throws the SDK's `TimeoutError`.
 */
import { KMSInternalException, KMSServiceException } from '@aws-sdk/client-kms';
import { retry, seededRandom, type KeyLabels, type KeyVault, type ProvisionedKey } from '@cx/domain';
import { kmsServiceError } from '@cx/signing';

export type FaultService = 'dynamodb' | 'kms';
export const FAULT_SERVICES: readonly FaultService[] = ['dynamodb', 'kms'];

export type FaultKind =
  | 'throttling'
  | 'provisioned-throughput'
  | 'transaction-conflict'
  | 'internal-error'
  | 'timeout-after-effect';

export interface FaultSpec {
  /** Share (0..1) of calls (SDK attempts) to each service that fail. */
  rates: Partial<Record<FaultService, number>>;
  /** Seed of the pseudo-random draws, so a run can be repeated. */
  seed: number;
  /** Only these kinds of fault (tests: "every Sign is throttled"); all that fit the call otherwise. */
  kinds?: FaultKind[];
  /** Only calls of these operations (`TransactWriteItems`, `Sign`); every operation otherwise. */
  operations?: string[];
  /** No more faults once this many were injected by one client (tests: "only the first answer is lost"). */
  maxFaults?: number;
}

/** Counts of calls seen and faults injected, per service; one object may serve several clients. */
export class FaultStats {
  readonly calls: Record<FaultService, number> = { dynamodb: 0, kms: 0 };
  readonly injected: Record<FaultService, Partial<Record<FaultKind, number>>> = { dynamodb: {}, kms: {} };

  record(service: FaultService, kind: FaultKind | undefined): void {
    this.calls[service]++;
    if (kind) this.injected[service][kind] = (this.injected[service][kind] ?? 0) + 1;
  }

  /** Faults injected into `service`, or into every service. */
  total(service?: FaultService): number {
    const services = service ? [service] : FAULT_SERVICES;
    return services.reduce((sum, s) => sum + Object.values(this.injected[s]).reduce((a, b) => a + (b ?? 0), 0), 0);
  }

  /** e.g. `dynamodb: 112 of 1,040 calls (throttling 31, ...)`. */
  summary(): string {
    return FAULT_SERVICES.filter((s) => this.calls[s] > 0)
      .map((s) => {
        const kinds = Object.entries(this.injected[s]).map(([kind, n]) => `${kind} ${n}`).join(', ');
        return `${s}: ${this.total(s)} of ${this.calls[s]} calls${kinds ? ` (${kinds})` : ''}`;
      })
      .join('; ');
  }
}

/**
 * Reads a fault specification: comma-separated `service=rate` pairs (services `dynamodb`,
 * `kms`; rates 0..1) and an optional `seed=<integer>` (default 1). Empty or undefined
 * means no faults. Throws an Error naming the bad part of a malformed specification.
 *
 * @example
 * parseFaultSpec('dynamodb=0.1,kms=0.05,seed=7') // { rates: { dynamodb: 0.1, kms: 0.05 }, seed: 7 }
 */
export function parseFaultSpec(text: string | undefined): FaultSpec | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const spec: FaultSpec = { rates: {}, seed: 1 };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z0-9]+)\s*=\s*(\S+)$/i.exec(part);
    if (!match) throw new Error(`CX_FAULTS: "${part}" is not name=value (expected e.g. dynamodb=0.1,kms=0.1,seed=7)`);
    const name = match[1]!.toLowerCase();
    const value = match[2]!;
    if (name === 'seed') {
      if (!/^-?\d+$/.test(value)) throw new Error(`CX_FAULTS: seed must be an integer, not "${value}"`);
      spec.seed = Number(value);
    } else if ((FAULT_SERVICES as readonly string[]).includes(name)) {
      const rate = Number(value);
      if (!/^\d*\.?\d+$/.test(value) || !(rate >= 0 && rate <= 1)) throw new Error(`CX_FAULTS: the rate of ${name} must be a number from 0 to 1, not "${value}"`);
      spec.rates[name as FaultService] = rate;
    } else {
      throw new Error(`CX_FAULTS: unknown service "${name}" (known: ${FAULT_SERVICES.join(', ')}, and seed)`);
    }
  }
  return spec;
}

/** One line for the start banner, e.g. `dynamodb 10%, kms 5% of calls (seed 7)`. */
export function describeFaults(spec: FaultSpec): string {
  const rates = FAULT_SERVICES.filter((s) => (spec.rates[s] ?? 0) > 0).map((s) => `${s} ${+(spec.rates[s]! * 100).toFixed(2)}%`);
  return rates.length === 0 ? 'no faults (all rates are 0)' : `${rates.join(', ')} of calls fail (seed ${spec.seed})`;
}

const SERVICE_SALT: Record<FaultService, number> = { dynamodb: 0x0d1, kms: 0x5a7 };

/** Draws, for each call, whether it fails and how; one per client and service. */
class FaultDraw {
  private readonly random: () => number;
  private injected = 0;
  constructor(
    readonly service: FaultService,
    private readonly rate: number,
    seed: number,
    private readonly stats: FaultStats,
    private readonly kinds?: FaultKind[],
    private readonly maxFaults = Number.POSITIVE_INFINITY,
  ) {
    this.random = seededRandom(seed ^ SERVICE_SALT[service]);
  }

  next(all: Array<[FaultKind, number]>): FaultKind | undefined {
    const mix = this.kinds ? all.filter(([kind]) => this.kinds!.includes(kind)) : all;
    const hit = this.random() < this.rate && mix.length > 0 && this.injected < this.maxFaults;
    // the second draw is made either way, so the sequence does not depend on the rate hit
    const pick = this.random();
    let kind: FaultKind | undefined;
    if (hit) {
      this.injected++;
      const total = mix.reduce((sum, [, weight]) => sum + weight, 0);
      let acc = 0;
      kind = mix.find(([, weight]) => (acc += weight / total) > pick)?.[0] ?? mix[mix.length - 1]![0];
    }
    this.stats.record(this.service, kind);
    return kind;
  }
}

/** The mix of faults per operation, as AWS sends them. */
function dynamoMix(command: string): Array<[FaultKind, number]> {
  const write = /^(Put|Update|Delete)Item/.test(command);
  const transaction = command.startsWith('TransactWriteItems');
  return [
    ['throttling', 3],
    ['provisioned-throughput', 2],
    // an item in a running transaction: transactions are cancelled, single writes refused
    ...(transaction || write ? ([['transaction-conflict', transaction ? 4 : 1]] as Array<[FaultKind, number]>) : []),
    ['internal-error', 1],
    ['timeout-after-effect', 2],
  ];
}

const KMS_MIX: Array<[FaultKind, number]> = [
  ['throttling', 3],
  ['internal-error', 1],
  ['timeout-after-effect', 1],
];

interface ErrorBody {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

function dynamoError(kind: FaultKind, command: string, request: { body?: unknown }): ErrorBody {
  const ns = 'com.amazonaws.dynamodb.v20120810#';
  switch (kind) {
    case 'throttling':
      return { status: 400, type: 'com.amazon.coral.availability#ThrottlingException', body: { message: 'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.' } };
    case 'provisioned-throughput':
      return { status: 400, type: `${ns}ProvisionedThroughputExceededException`, body: { message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.' } };
    case 'transaction-conflict': {
      if (!command.startsWith('TransactWriteItems')) {
        return { status: 400, type: `${ns}TransactionConflictException`, body: { message: 'Transaction is ongoing for the item' } };
      }
      let count = 1;
      try {
        count = (JSON.parse(String(request.body)) as { TransactItems?: unknown[] }).TransactItems?.length ?? 1;
      } catch {
        // an unreadable body still gets one reason
      }
      const reasons = Array.from({ length: count }, (_, i) =>
        i === count - 1 ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' } : { Code: 'None' },
      );
      const codes = reasons.map((r) => r.Code).join(', ');
      return {
        status: 400,
        type: `${ns}TransactionCanceledException`,
        body: { Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, CancellationReasons: reasons },
      };
    }
    default:
      return { status: 500, type: `${ns}InternalServerError`, body: { message: 'Internal server error' } };
  }
}

function kmsErrorBody(kind: FaultKind): ErrorBody {
  return kind === 'throttling'
    ? { status: 400, type: 'ThrottlingException', body: { message: 'Rate exceeded' } }
    : { status: 500, type: 'KMSInternalException', body: { message: 'An internal error occurred' } };
}

/** What the SDK's Node HTTP handler throws when an answer does not come in time. */
function timeoutError(): Error {
  return Object.assign(new Error('Connection timed out after 3000 ms (injected fault: the call took effect)'), { name: 'TimeoutError' });
}

/** The part of an SDK v3 client this needs (DynamoDBClient, KMSClient, and the document client share it). */
export interface MiddlewareClient {
  middlewareStack: { add(middleware: any, options: Record<string, unknown>): void };
}

let requestCounter = 0;

/**
 * Adds fault injection to an AWS SDK v3 client (once per client: a second call replaces the
 * first). Returns the stats object the faults are counted in (`stats`, or a new one).
 *
 * @example
 * const stats = injectFaults(dynamoClient, 'dynamodb', parseFaultSpec('dynamodb=0.1,seed=7')!);
 */
export function injectFaults(client: MiddlewareClient, service: FaultService, spec: FaultSpec, stats = new FaultStats()): FaultStats {
  const rate = spec.rates[service] ?? 0;
  if (rate <= 0) return stats;
  const draw = new FaultDraw(service, rate, spec.seed, stats, spec.kinds, spec.maxFaults);
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => async (args: { request: { body?: unknown } }) => {
      const command = context.commandName ?? '';
      if (spec.operations && !spec.operations.includes(command.replace(/Command$/, ''))) return next(args);
      const kind = draw.next(service === 'dynamodb' ? dynamoMix(command) : KMS_MIX);
      if (!kind) return next(args);
      if (kind === 'timeout-after-effect') {
        const out = await next(args);
        // the answer is lost on the way back: free the connection it holds
        (out?.response?.body as { destroy?: () => void; resume?: () => void } | undefined)?.resume?.();
        throw timeoutError();
      }
      const error = service === 'dynamodb' ? dynamoError(kind, command, args.request) : kmsErrorBody(kind);
      const contentType = service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
      return {
        response: {
          statusCode: error.status,
          reason: undefined,
          headers: { 'content-type': contentType, 'x-amzn-errortype': error.type, 'x-amzn-requestid': `injected-fault-${++requestCounter}` },
          body: new TextEncoder().encode(JSON.stringify({ __type: error.type, ...error.body })),
        },
        output: undefined,
      };
    },
    // below the deserializer (which turns the response into the service's exception) and so below retry
    { step: 'deserialize', priority: 'low', name: `cxFaultInjection`, override: true },
  );
  return stats;
}

/** The error the KMS client throws for an injected fault, as its deserializer would build it. */
function kmsSdkError(kind: FaultKind): Error {
  if (kind === 'timeout-after-effect') return timeoutError();
  const metadata = { httpStatusCode: kind === 'throttling' ? 400 : 500, requestId: `injected-fault-${++requestCounter}`, attempts: 1, totalRetryDelay: 0 };
  if (kind === 'throttling') {
    return new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: metadata });
  }
  return new KMSInternalException({ message: 'An internal error occurred', $metadata: metadata });
}

/** The SDK's standard retry: 3 attempts; transient failures and throttles are retried. */
const SDK_ATTEMPTS = 3;

/**
 * A key vault with no KMS client behind it (the local signer) that fails like KMS: injected
 * KMS errors are retried as the SDK would, and what still fails goes through KmsKeyVault's
 * own mapping (`kmsServiceError`), so callers see exactly what they would see with KMS.
 */
export function faultyKeyVault(inner: KeyVault, spec: FaultSpec, stats = new FaultStats()): KeyVault {
  const rate = spec.rates.kms ?? 0;
  if (rate <= 0) return inner;
  const draw = new FaultDraw('kms', rate, spec.seed, stats, spec.kinds, spec.maxFaults);
  const injected = new WeakSet<object>();
  const call = async <T>(name: string, operation: () => Promise<T>): Promise<T> => {
    if (spec.operations && !spec.operations.includes(name)) return operation();
    try {
      return await retry(
        async () => {
          const kind = draw.next(KMS_MIX);
          if (!kind) return operation();
          if (kind === 'timeout-after-effect') await operation();
          const error = kmsSdkError(kind);
          injected.add(error);
          throw error;
        },
        { retryable: (error) => injected.has(error as object), attempts: SDK_ATTEMPTS, baseDelayMs: 100, maxDelayMs: 1000 },
      );
    } catch (error) {
      throw kmsServiceError(error);
    }
  };
  return {
    // named as the KMS operations KmsKeyVault makes of them
    createKey: (labels: KeyLabels): Promise<ProvisionedKey> => call('CreateKey', () => inner.createKey(labels)),
    publicKey: (keyRef: string) => call('GetPublicKey', () => inner.publicKey(keyRef)),
    sign: (keyRef: string, data: Uint8Array) => call('Sign', () => inner.sign(keyRef, data)),
    discardKey: (keyRef: string) => call('ScheduleKeyDeletion', () => inner.discardKey(keyRef)),
  };
}
