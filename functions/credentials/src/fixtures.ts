/** Valid issue request bodies for tests and examples. */

export interface IssueBodyOptions {
  type?: 'component' | 'badge' | 'micro-degree';
  code?: string;
  version?: number;
  recipient?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A body for `POST /v1/institutions/{id}/credentials`; a component for ada@example.org unless told otherwise. */
export function issueBody({ type = 'component', code = 'ML-1', version, recipient, ...rest }: IssueBodyOptions = {}) {
  return {
    achievement: { type, code, ...(version === undefined ? {} : { version }) },
    recipient: recipient ?? { name: 'Ada Lovelace', email: 'ada@example.org', studentId: 'S-1001' },
    ...rest,
  };
}
