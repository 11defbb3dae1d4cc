import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GRADUATION_SIGN_BUDGET,
  GRADUATION_WORKER,
  graduationWorkerPlan,
  KMS_ECC_SIGN_QUOTA,
  MEASURED_WORKER_RATE,
  planWorkers,
  withGraduationSignBudget,
} from './sign-budget.js';
import { FUNCTIONS } from './topology.js';

describe('planWorkers', () => {
  it('runs enough workers for the budget, each at an equal whole share of it', () => {
    expect(planWorkers(900, 60)).toEqual({ maxConcurrency: 15, signRate: 60, total: 900 });
    expect(planWorkers(900, 140)).toEqual({ maxConcurrency: 7, signRate: 128, total: 896 });
    expect(planWorkers(200, 150)).toEqual({ maxConcurrency: 2, signRate: 100, total: 200 });
  });

  it('never plans more than the budget, and at least 90 % of it from 10/s up, over many budgets and rates', () => {
    for (let budget = 10; budget <= 5_000; budget += 37) {
      for (const rate of [10, 10.5, 13, 47.3, 60, 99.9, 150, 333, 1_000, 4_999]) {
        const plan = planWorkers(budget, rate);
        expect(plan.total).toBe(plan.maxConcurrency * plan.signRate);
        expect(plan.total).toBeLessThanOrEqual(budget);
        expect(plan.total).toBeGreaterThanOrEqual(0.9 * budget);
        // each worker's share is within what it can do, so the plan can be carried out
        if (plan.maxConcurrency > 2) expect(plan.signRate).toBeLessThanOrEqual(rate);
      }
    }
  });

  it('keeps to the minimum of 2 that an SQS event source allows', () => {
    expect(planWorkers(50, 400)).toEqual({ maxConcurrency: 2, signRate: 25, total: 50 });
  });

  it('refuses budgets and rates that cannot be planned', () => {
    expect(() => planWorkers(0, 60)).toThrow(RangeError);
    expect(() => planWorkers(900, 0)).toThrow(RangeError);
    expect(() => planWorkers(Number.NaN, 60)).toThrow(RangeError);
    // 10,000/s at 5/s each would need 2,000 workers: more than an event source allows
    expect(() => planWorkers(10_000, 5)).toThrow(/1,?000/);
  });
});

describe('the graduation worker in the topology', () => {
  const worker = FUNCTIONS.find((spec) => spec.name === GRADUATION_WORKER)!;

  it('is planned from the default budget and the measured worker rate', () => {
    const plan = planWorkers(DEFAULT_GRADUATION_SIGN_BUDGET, MEASURED_WORKER_RATE.credentialsPerSecond);
    expect(worker.consumes?.maxConcurrency).toBe(plan.maxConcurrency);
    expect(worker.signRate).toBe(plan.signRate);
    expect(worker.memoryMb).toBe(MEASURED_WORKER_RATE.memoryMb);
  });

  it('leaves the rest of the default KMS quota to interactive issuing', () => {
    const { maxConcurrency, signRate } = worker.consumes ? { maxConcurrency: worker.consumes.maxConcurrency, signRate: worker.signRate! } : { maxConcurrency: 0, signRate: 0 };
    expect(maxConcurrency * signRate).toBeLessThanOrEqual(DEFAULT_GRADUATION_SIGN_BUDGET);
    expect(DEFAULT_GRADUATION_SIGN_BUDGET).toBeLessThan(KMS_ECC_SIGN_QUOTA);
  });

  it('is planned again for another budget, every other function left as it was', () => {
    const replanned = withGraduationSignBudget(FUNCTIONS, 3_000);
    const plan = graduationWorkerPlan(3_000);
    const again = replanned.find((spec) => spec.name === GRADUATION_WORKER)!;
    expect(again.consumes).toEqual({ ...worker.consumes, maxConcurrency: plan.maxConcurrency });
    expect(again.signRate).toBe(plan.signRate);
    expect(plan.total).toBeLessThanOrEqual(3_000);
    expect(replanned.filter((spec) => spec.name !== GRADUATION_WORKER)).toEqual(FUNCTIONS.filter((spec) => spec.name !== GRADUATION_WORKER));
    // the topology itself is not changed
    expect(FUNCTIONS.find((spec) => spec.name === GRADUATION_WORKER)).toBe(worker);
  });
});
