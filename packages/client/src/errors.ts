/**
 * What the client throws: the exchange's RFC 9457 problem answers as `ApiError`, input the
 * exchange would refuse as `InvalidRequestError` (nothing was sent), and an exchange that
 * could not be reached as `NetworkError`. All three extend `CxClientError`.
 */
import type { FieldIssue } from '@cx/domain';

/** A failing field, as named in a problem document or found before sending. */
export interface FieldError extends FieldIssue {
  /** JSON pointer into the request body (`#/items/3/ects`), when the exchange gave one. */
  pointer?: string;
}

export abstract class CxClientError extends Error {
  /** The failing fields, when the error is about the request's content. */
  readonly errors: FieldError[];

  constructor(message: string, errors: FieldError[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.errors = errors;
  }
}

/** An RFC 9457 problem document as the exchange answers it. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The exchange answered with an error status. */
export class ApiError extends CxClientError {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId?: string;
  /** The whole problem document, with its extension members. */
  readonly problem: ProblemDocument;

  constructor(status: number, problem: ProblemDocument, requestId?: string) {
    const title = problem.title ?? `HTTP ${status}`;
    const detail = problem.detail ?? title;
    super(`${status} ${title}: ${detail}`, fieldErrorsOf(problem.errors));
    this.status = status;
    this.type = problem.type ?? 'about:blank';
    this.title = title;
    this.detail = detail;
    this.requestId = problem.requestId ?? requestId;
    this.problem = problem;
  }

  /**
   * Reads an error response. A problem+json body gives every member; anything else (a proxy's
   * HTML page, an empty body) still gives the status and the start of the body as detail.
   */
  static async fromResponse(response: Response): Promise<ApiError> {
    const requestId = response.headers.get('x-request-id') ?? undefined;
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return new ApiError(response.status, parsed as ProblemDocument, requestId);
    }
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    return new ApiError(
      response.status,
      { status: response.status, title: response.statusText || `HTTP ${response.status}`, detail: snippet || 'the exchange answered with no details' },
      requestId,
    );
  }
}

/** The input breaks the API's schema; the request was not sent. */
export class InvalidRequestError extends CxClientError {}

/** The exchange could not be reached, or did not answer in time. */
export class NetworkError extends CxClientError {
  constructor(
    readonly baseUrl: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`cannot reach the exchange at ${baseUrl}: ${reason}`, [], { cause });
  }
}

function fieldErrorsOf(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      field: typeof e.field === 'string' ? e.field : '(body)',
      message: typeof e.message === 'string' ? e.message : String(e.message ?? 'is not valid'),
      ...(typeof e.pointer === 'string' ? { pointer: e.pointer } : {}),
    }));
}

/** Why `fetch` failed, in words: the system error code when Node gives one. */
export function networkReason(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  if (err?.name === 'TimeoutError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = err?.cause;
  if (cause?.message === 'bad port') return 'fetch refuses that port (it is on the list of blocked ports); use another';
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the exchange running?)';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return cause?.message ?? err?.message ?? String(error);
}
