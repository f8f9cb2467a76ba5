import { createRequire } from 'node:module';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter, type Tracer } from '@opentelemetry/api';
import type * as OtelCore from '@opentelemetry/core';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtelResources from '@opentelemetry/resources';
import type * as OtelSdk from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphContext } from '../context.js';
import type { UpstreamObserver } from '../vendors/upstream-runtime.js';
import { currentRequestScope, type RequestScope } from '../request-scope.js';
import type { OperationsConfig } from './settings.js';

export interface Tracing {
  observer: UpstreamObserver;
  plugin(): Plugin<GraphContext>;
  /** Sends the spans still buffered, then stops the exporter. */
  close(): Promise<void>;
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

/**
 * Spans for each GraphQL operation and each vendor attempt under it (provider, route template, status,
 * attempt). Null, so that no hook is installed at all, unless OTEL_EXPORTER_OTLP_ENDPOINT is set or a test
 * passes an exporter. A W3C `traceparent` from the caller (a gateway) makes the operation its child.
 * Never records the document or variables (they hold filter values).
 */
export function createTracing(operations: Pick<OperationsConfig, 'otlpTracesUrl' | 'serviceName'>, exporter?: SpanExporter): Tracing | null {
  if (!exporter && !operations.otlpTracesUrl) return null;
  // Loaded only when tracing is on: the SDK and the exporter cost start-up time a graph without tracing should not pay.
  const load = createRequire(import.meta.url);
  const { W3CTraceContextPropagator } = load('@opentelemetry/core') as typeof OtelCore;
  const { OTLPTraceExporter } = load('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { resourceFromAttributes } = load('@opentelemetry/resources') as typeof OtelResources;
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = load('@opentelemetry/sdk-trace-base') as typeof OtelSdk;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: operations.serviceName }),
    spanProcessors: [exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url: operations.otlpTracesUrl }))],
  });
  const tracer: Tracer = provider.getTracer('conversations-graph');
  const propagator = new W3CTraceContextPropagator();
  const operationSpans = new WeakMap<RequestScope, Span>();

  const observer: UpstreamObserver = {
    attempt({ provider: vendor, endpoint, method, attempt }) {
      const scope = currentRequestScope();
      const parent = scope ? operationSpans.get(scope) : undefined;
      const span = tracer.startSpan(
        `${method} ${vendor} ${endpoint}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'upstream.provider': vendor,
            'upstream.endpoint': endpoint,
            'upstream.attempt': attempt,
            [ATTR_HTTP_REQUEST_METHOD]: method,
            [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1,
          },
        },
        parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
      );
      return ({ outcome, status }) => {
        if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        span.setAttribute('upstream.outcome', outcome);
        if (outcome !== 'ok') {
          span.setAttribute(ATTR_ERROR_TYPE, outcome);
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        }
        span.end();
      };
    },
  };

  const plugin = (): Plugin<GraphContext> => ({
    onExecute({ args }) {
      const context = args.contextValue as GraphContext & { request?: Request };
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'query';
      const name = operation?.name?.value;
      const parent = context.request ? propagator.extract(ROOT_CONTEXT, context.request.headers, headerGetter) : ROOT_CONTEXT;
      const span = tracer.startSpan(
        name ? `${type} ${name}` : type,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'graphql.operation.type': type,
            ...(name ? { 'graphql.operation.name': name } : {}),
            'request.id': context.scope.requestId,
          },
        },
        parent,
      );
      operationSpans.set(context.scope, span);
      return {
        onExecuteDone({ result }) {
          const errors = Symbol.asyncIterator in (result as object) ? [] : ((result as ExecutionResult).errors ?? []);
          if (errors.length > 0) {
            const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
            span.setAttribute('graphql.error.codes', codes);
            span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(',') });
          }
          span.end();
        },
      };
    },
  });

  return {
    observer,
    plugin,
    close: () => provider.shutdown(),
  };
}
