/** Assertions on RFC 9457 problem responses, shared by the API tests. */
import { expect } from 'vitest';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId?: string;
  errors?: Array<{ field: string; pointer: string; message: string }>;
}

/**
 * Checks that `response` is a problem+json document with the given status, the members
 * every problem has, and a request id header; returns the parsed document.
 */
export async function expectProblem(response: Response, status: number): Promise<ProblemBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.headers.get('x-request-id')).toBeTruthy();
  const problem = JSON.parse(text) as ProblemBody;
  expect(problem).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(problem.detail.length).toBeGreaterThan(0);
  return problem;
}

/** The field paths a validation problem names, in order. */
export function fieldsOf(problem: ProblemBody): string[] {
  return (problem.errors ?? []).map((e) => e.field);
}
