/**
 * Counts the DynamoDB requests a client sends, by operation, and the items they carry: an SDK
 * middleware in the build step, below the store's retry of conflicted transactions (each retry
 * is a request of its own) and above the SDK's retry of throttled attempts (one request
 * however often the SDK tries it).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A client, or a document client (which shares its client's middleware stack). */
type WithMiddleware = Pick<DynamoDBClient, 'middlewareStack'>;

export const READ_OPERATIONS = ['GetItem', 'BatchGetItem', 'TransactGetItems', 'Query', 'Scan'] as const;
export const WRITE_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'] as const;

export interface RequestCounts {
  /** Requests per operation (`PutItem`, `TransactWriteItems`...). */
  requests: Record<string, number>;
  /** Items per operation: one for a single-item request, each item of a batch or transaction. */
  items: Record<string, number>;
}

type Input = { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[] | { Keys?: unknown[] }> };

function itemsOf(operation: string, input: Input): number {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') return input.TransactItems?.length ?? 0;
  if (operation === 'BatchWriteItem') return Object.values(input.RequestItems ?? {}).reduce<number>((sum, requests) => sum + ((requests as unknown[]).length ?? 0), 0);
  if (operation === 'BatchGetItem') return Object.values(input.RequestItems ?? {}).reduce<number>((sum, table) => sum + ((table as { Keys?: unknown[] }).Keys?.length ?? 0), 0);
  return 1;
}

/** Starts counting the requests `client` sends; `counting()` says whether to count now. */
export function countRequests(client: WithMiddleware, counting: () => boolean = () => true): RequestCounts {
  const counts: RequestCounts = { requests: {}, items: {} };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (counting()) {
        const operation = String(context.commandName ?? 'unknown').replace(/Command$/, '');
        counts.requests[operation] = (counts.requests[operation] ?? 0) + 1;
        counts.items[operation] = (counts.items[operation] ?? 0) + itemsOf(operation, args.input as Input);
      }
      return next(args);
    },
    { step: 'build', name: 'cxBenchRequestCount', override: true },
  );
  return counts;
}

/** Reads and writes (requests and items) of one or more counts added up. */
export function readsAndWrites(...all: RequestCounts[]): { reads: number; writes: number; readItems: number; writeItems: number; byOperation: RequestCounts } {
  const byOperation: RequestCounts = { requests: {}, items: {} };
  for (const counts of all) {
    for (const [operation, n] of Object.entries(counts.requests)) byOperation.requests[operation] = (byOperation.requests[operation] ?? 0) + n;
    for (const [operation, n] of Object.entries(counts.items)) byOperation.items[operation] = (byOperation.items[operation] ?? 0) + n;
  }
  const sum = (operations: readonly string[], of: Record<string, number>) => operations.reduce((total, operation) => total + (of[operation] ?? 0), 0);
  return {
    reads: sum(READ_OPERATIONS, byOperation.requests),
    writes: sum(WRITE_OPERATIONS, byOperation.requests),
    readItems: sum(READ_OPERATIONS, byOperation.items),
    writeItems: sum(WRITE_OPERATIONS, byOperation.items),
    byOperation,
  };
}
