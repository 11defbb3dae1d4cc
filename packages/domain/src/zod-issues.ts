import type { ZodError } from 'zod';
import type { FieldIssue } from './errors.js';

/** Turns zod issues into field issues with dotted paths (`items.3.ects`). */
export function fieldIssues(error: ZodError, prefix: string[] = []): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      // one issue per unknown field: `{ a, b }` names `a` and `b`, not `a.b`
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'is not a known field' }));
    }
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
    return [{ field: path.join('.') || '(body)', message }];
  });
}

