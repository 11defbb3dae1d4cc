/**
 * The HTTP API in front of the functions: one route per topology route key, each to its
 * function (payload format 2.0), on an auto-deployed `$default` stage with access logs.
 */
import { CorsHttpMethod, HttpApi, HttpMethod, HttpRoute, HttpRouteKey, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Duration } from 'aws-cdk-lib';
import { API_CORS } from '@cx/http';
import { LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** One JSON line per request; `$context.requestId` lets a log line be found from a response. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    userAgent: '$context.identity.userAgent',
  }),
);

/** `ANY /v1/institutions/{id}` -> the method and path of an API Gateway route key. */
export function parseRouteKey(routeKey: string): { method: HttpMethod; path: string } {
  const match = /^([A-Z]+) (\/\S*)$/.exec(routeKey);
  const method = match && (HttpMethod as Record<string, HttpMethod | undefined>)[match[1]!];
  if (!match || !method) throw new Error(`not an API Gateway route key: "${routeKey}"`);
  return { method, path: match[2]! };
}

export class ExchangeApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Consortium exchange',
      // the stage is made below, to give it access logging
      createDefaultStage: false,
      // the apps' own CORS policy; API Gateway answers preflights with it (and then ignores the functions' CORS headers)
      corsPreflight: {
        allowOrigins: [API_CORS.origin],
        allowMethods: API_CORS.allowMethods.map((method) => CorsHttpMethod[method as keyof typeof CorsHttpMethod]),
        allowHeaders: API_CORS.allowHeaders,
        exposeHeaders: API_CORS.exposeHeaders,
        maxAge: Duration.seconds(API_CORS.maxAge),
      },
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_YEAR });
    acknowledge(
      this.httpApi,
      'AwsSolutions-APIG4',
      'Authorization is done by the functions: bearer API keys (stored hashed, compared in constant time) decide admin, institution and public access per route, and public routes (member list, DID documents, docs) must stay open to verifiers.',
    );
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
  }

  /** The API's base URL, without a trailing slash (the shape CX_PUBLIC_URL takes). */
  get endpoint(): string {
    return this.httpApi.apiEndpoint;
  }

  /** Routes every one of `routeKeys` to `fn`. */
  route(name: string, fn: IFunction, routeKeys: readonly string[]): void {
    const integration = new HttpLambdaIntegration(`${name}Integration`, fn);
    for (const routeKey of routeKeys) {
      // the catch-all route: what matches no other route (the topology's DEFAULT_ROUTE)
      if (routeKey === HttpRouteKey.DEFAULT.key) {
        // under the API, as addRoutes puts its routes, so the API's acknowledged findings cover it
        new HttpRoute(this.httpApi, `${name}DefaultRoute`, { httpApi: this.httpApi, routeKey: HttpRouteKey.DEFAULT, integration });
        continue;
      }
      const { method, path } = parseRouteKey(routeKey);
      this.httpApi.addRoutes({ path, methods: [method], integration });
    }
  }
}
