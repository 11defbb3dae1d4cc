/**
 * How many graduation-run workers the stack runs, and how fast each may sign, derived from
 * the account's KMS Sign budget for graduation runs and the rate one worker instance was
 * measured to sustain. Pure: the topology (and so the CDK stack and the local gateway) and
 * `pnpm bench` use the same numbers.
 *
 * Every institution key is an ECC_NIST_EDWARDS25519 key, and KMS counts Sign on all of them
 * against one quota per account and Region ("Cryptographic operations (ECC and SM2) request
 * rate", 1,000/s by default, adjustable). A run is paced by workers each holding to
 * `signRate` (CX_SIGN_RATE), so the account sees at most `maxConcurrency × signRate`.
 */

/** The function in the topology whose concurrency and signing rate are derived here. */
export const GRADUATION_WORKER = 'credential-batch-worker';

/** KMS's default ECC Sign quota per account and Region (requests per second). */
export const KMS_ECC_SIGN_QUOTA = 1_000;

/**
 * Sign calls per second the graduation workers may make together unless the stack is told
 * otherwise (CDK context `graduationSignBudget`): 900 of the default 1,000/s quota, so that
 * interactive issuing (one Sign per credential, status lists) keeps 100/s during a run.
 */
export const DEFAULT_GRADUATION_SIGN_BUDGET = 900;

/**
 * What one worker instance sustains: credentials per second through chunk processing with
 * signing taking no time of its own (the local signer; KMS's latency overlaps with other items
 * of the chunk), as `pnpm bench credentials` prints it in "graduation run, one worker thread"
 * (a single Node thread on one core of an AMD EPYC, DynamoDB Local on the other). A Lambda
 * function has one vCPU's worth of CPU at 1,769 MB (AWS Lambda: memory and computing power), so
 * the worker is given that much memory and this rate is taken as one instance's. 45/s is issue
 * 14's profile (about 20 ms of CPU per item, "in AWS a worker does ~45/s"); refresh it from a
 * quiet bench run whenever the issuing path changes (a loaded 2-core machine measures far less).
 */
export const MEASURED_WORKER_RATE = { credentialsPerSecond: 45, memoryMb: 1_769 } as const;

/** SQS event sources accept a maximum concurrency from 2 to 1,000. */
const MIN_EVENT_SOURCE_CONCURRENCY = 2;
const MAX_EVENT_SOURCE_CONCURRENCY = 1_000;

export interface WorkerPlan {
  /** Worker instances at most (the SQS event source's maximum concurrency). */
  maxConcurrency: number;
  /** Sign calls per second each instance may make (CX_SIGN_RATE). */
  signRate: number;
  /** `maxConcurrency × signRate`: never above the budget. */
  total: number;
}

/**
 * Enough workers that together they can use the budget (each doing at most `perWorkerRate`),
 * each limited to an equal whole share of it: `maxConcurrency = ceil(budget / perWorkerRate)`
 * (at least 2, SQS's minimum) and `signRate = floor(budget / maxConcurrency)`. The total never
 * exceeds the budget and falls short of it by less than one Sign/s per worker, so with a
 * budget and a worker rate of 10/s or more it reaches at least 90 % of the budget (when each
 * worker can do its share: it is at most `perWorkerRate`).
 *
 * @example
 * planWorkers(900, 60) // { maxConcurrency: 15, signRate: 60, total: 900 }
 * planWorkers(900, 140) // { maxConcurrency: 7, signRate: 128, total: 896 }
 */
export function planWorkers(budget: number, perWorkerRate: number): WorkerPlan {
  if (!Number.isFinite(budget) || budget < 1) throw new RangeError(`the Sign budget must be at least 1 per second, got ${budget}`);
  if (!Number.isFinite(perWorkerRate) || perWorkerRate <= 0) throw new RangeError(`a worker's rate must be a positive number per second, got ${perWorkerRate}`);
  const maxConcurrency = Math.max(MIN_EVENT_SOURCE_CONCURRENCY, Math.ceil(budget / perWorkerRate));
  if (maxConcurrency > MAX_EVENT_SOURCE_CONCURRENCY) {
    throw new RangeError(`${maxConcurrency} workers would be needed for ${budget} Sign/s at ${perWorkerRate}/s each; an SQS event source allows ${MAX_EVENT_SOURCE_CONCURRENCY}`);
  }
  const signRate = Math.floor(budget / maxConcurrency);
  if (signRate < 1) throw new RangeError(`a budget of ${budget} Sign/s cannot give each of ${maxConcurrency} workers one Sign/s`);
  return { maxConcurrency, signRate, total: maxConcurrency * signRate };
}

/** The plan the stack deploys: the budget (default 900/s) over the measured worker rate. */
export function graduationWorkerPlan(budget: number = DEFAULT_GRADUATION_SIGN_BUDGET): WorkerPlan {
  return planWorkers(budget, MEASURED_WORKER_RATE.credentialsPerSecond);
}

interface WorkerSpecFields {
  name: string;
  memoryMb: number;
  signRate?: number;
  consumes?: { queue: string; batchSize: number; maxConcurrency: number; deadLetters?: boolean };
}

/**
 * The topology with the graduation worker planned for another budget (the stack's
 * `graduationSignBudget` context); every other function is left as it is.
 */
export function withGraduationSignBudget<T extends WorkerSpecFields>(functions: readonly T[], budget: number): T[] {
  const plan = graduationWorkerPlan(budget);
  return functions.map((spec) =>
    spec.name === GRADUATION_WORKER && spec.consumes
      ? { ...spec, signRate: plan.signRate, consumes: { ...spec.consumes, maxConcurrency: plan.maxConcurrency } }
      : spec,
  );
}
