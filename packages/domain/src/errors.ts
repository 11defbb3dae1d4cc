/**
 * Typed domain errors. Domain and store code throw these; the HTTP layer maps
 * them to RFC 9457 problem responses in one place (`@cx/http` problem.ts).
 */

/** One failing field of a validation error: a dotted path and what is wrong. */
export interface FieldIssue {
  /** Dotted path of the field in the request, e.g. `assessment.type` or `items.3.ects`. */
  field: string;
  message: string;
}

export type DomainErrorCode =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'unprocessable'
  | 'payload-too-large'
  | 'rate-limited'
  | 'dependency-failed';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  /** Extra members for the problem document (RFC 9457 extension members). */
  readonly extensions: Record<string, unknown>;

  /**
   * @param extensions extra members of the problem document
   * @param options `cause`: the error this one stands for (an SDK error, say), kept for logs
   */
  constructor(message: string, extensions: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.extensions = extensions;
  }
}

export class ValidationError extends DomainError {
  readonly code = 'validation';
  constructor(
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  /** A validation error about one field. */
  static field(field: string, message: string): ValidationError {
    return new ValidationError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
}

export class ConflictError extends DomainError {
  readonly code = 'conflict';
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition-failed';
}

/** The request is well formed but cannot be carried out as asked (HTTP 422). */
export class UnprocessableError extends DomainError {
  readonly code = 'unprocessable';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  /** When one part of the body is what is too large (a list, a string): that field and its limit. */
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super(message);
    this.issues = issues;
  }
}

/** Too many requests (HTTP 429); `retryAfterSeconds` in the extensions becomes Retry-After. */
export class RateLimitedError extends DomainError {
  readonly code = 'rate-limited';
}

/** A service we depend on (KMS, DynamoDB) failed; nothing the client sent is at fault. */
export class DependencyError extends DomainError {
  readonly code = 'dependency-failed';
}
