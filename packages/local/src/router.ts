/**
 * One local port for every function, routed like API Gateway: the same route table
 * (`@cx/runtime/topology`), the same precedence, each request handed to the function's own app.
 */
import { randomUUID } from 'node:crypto';
import { createRouter, FUNCTIONS, type FunctionSpec } from '@cx/runtime/topology';

export type FetchApp = { fetch: (request: Request, env?: object) => Response | Promise<Response> };

export function createLocalGateway(apps: Record<string, FetchApp>, functions: FunctionSpec[] = FUNCTIONS) {
  const route = createRouter(functions);
  return {
    // `env` (the node socket) is handed on, as API Gateway hands the source IP to Lambda
    fetch: async (request: Request, env?: object): Promise<Response> => {
      const url = new URL(request.url);
      // a CORS preflight goes where the request it announces would go (API Gateway answers it
      // itself in AWS, with the same policy the apps apply)
      const preflightFor = request.method === 'OPTIONS' ? request.headers.get('access-control-request-method') : null;
      const match = route(preflightFor?.toUpperCase() ?? request.method, url.pathname);
      const app = match && apps[match.fn.name];
      if (!app) {
        // what API Gateway answers for a path no route covers, but as a problem document with a request id like every other answer
        const requestId = randomUUID();
        return new Response(
          JSON.stringify({ type: '/problems/not-found', title: 'Not found', status: 404, detail: `no route for ${request.method} ${url.pathname}`, requestId }),
          { status: 404, headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId } },
        );
      }
      return app.fetch(request, env);
    },
  };
}
