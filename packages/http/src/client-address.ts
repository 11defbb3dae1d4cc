import type { Context } from 'hono';

/**
 * The caller's network address, for per-client rate limits: API Gateway's source IP in
 * Lambda, the socket's peer address under @hono/node-server; never a client-set header.
 */
export function clientAddress(c: Context): string {
  const env = c.env as
    | { requestContext?: { http?: { sourceIp?: string } }; event?: { requestContext?: { http?: { sourceIp?: string } } }; incoming?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.event?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
