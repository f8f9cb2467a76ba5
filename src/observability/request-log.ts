import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphContext } from '../context.js';
import type { Provider } from '../domain.js';
import type { UpstreamObserver } from '../vendors/upstream-runtime.js';
import { currentRequestScope, requestIdFrom, type RequestScope } from '../request-scope.js';
import type { Logger } from './logger.js';

export const REQUEST_ID_HEADER = 'x-request-id';

interface RequestRecord {
  requestId: string;
  startedAt: number;
  graphql: boolean;
  operationName?: string;
  operationType?: string;
  scope?: RequestScope;
  errorCodes: Set<string>;
}

/** Operation names come from the client: kept short and printable in logs. */
// `unknown`: the log line is written for a request whose operationName is malformed too (refused as BAD_REQUEST).
const cleanName = (name: unknown): string | undefined => (typeof name === 'string' && name ? name.replace(/[^\w.-]/g, '').slice(0, 100) || undefined : undefined);

/**
 * The request id (the client's sane `x-request-id`, else a new UUID) is fixed as the request arrives and
 * written back onto it, so the request scope made later for execution carries the same id; it is echoed
 * in the response. One line per GraphQL request: id, operation, duration, HTTP status, upstream calls by
 * vendor, error codes. Never the document, the variables or a header.
 */
export function useRequestLog(logger: Logger, onRequestId?: (request: Request, requestId: string) => void): Plugin<GraphContext> {
  const records = new WeakMap<Request, RequestRecord>();
  return {
    onRequest({ request }) {
      const sent = request.headers.get(REQUEST_ID_HEADER);
      const requestId = requestIdFrom(sent);
      if (sent !== requestId) request.headers.set(REQUEST_ID_HEADER, requestId);
      records.set(request, { requestId, startedAt: performance.now(), graphql: false, errorCodes: new Set() });
      onRequestId?.(request, requestId);
    },
    onParams({ request, params }) {
      const record = records.get(request);
      if (!record) return;
      record.graphql = true;
      record.operationName = cleanName(params.operationName);
    },
    onExecute({ args }) {
      const context = args.contextValue as GraphContext & { request?: Request };
      const record = context.request ? records.get(context.request) : undefined;
      if (!record) return;
      record.scope = context.scope;
      const operation = getOperationAST(args.document, args.operationName);
      record.operationType = operation?.operation;
      record.operationName ??= cleanName(operation?.name?.value);
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      record.graphql = true;
      const results: unknown[] = Array.isArray(result) ? result : [result];
      for (const single of results) {
        if (!single || typeof single !== 'object' || Symbol.asyncIterator in single) continue;
        for (const error of (single as ExecutionResult).errors ?? []) {
          const code = error.extensions?.code;
          record.errorCodes.add(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
        }
      }
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      response.headers.set(REQUEST_ID_HEADER, record.requestId);
      if (!record.graphql) return;
      const upstreamCalls: Partial<Record<Provider, number>> = {};
      let upstreamTotal = 0;
      for (const [provider, count] of record.scope?.upstreamCalls ?? []) {
        upstreamCalls[provider] = count;
        upstreamTotal += count;
      }
      const line = {
        requestId: record.requestId,
        operationName: record.operationName ?? null,
        operationType: record.operationType ?? null,
        status: response.status,
        durationMs: Math.round((performance.now() - record.startedAt) * 10) / 10,
        upstreamCalls,
        upstreamTotal,
        errorCodes: [...record.errorCodes],
      };
      // Serialized once the response is on its way (this hook runs before it is written): pino's serializing and
      // redaction are then off the page's path; the line says the same.
      setImmediate(() => logger.info(line, 'graphql request'));
    },
  };
}

/** One warn line per vendor call that failed for good (after its retries), with the id of its request. */
export function failureLogObserver(logger: Logger): UpstreamObserver {
  return {
    failure({ provider, endpoint, error }) {
      const { code, status, vendorCode, retryAfter } = error.facts;
      logger.warn(
        { requestId: currentRequestScope()?.requestId ?? null, provider, endpoint, status: status ?? null, code, vendorCode, retryAfter },
        'vendor call failed',
      );
    },
    breaker({ provider, open }) {
      logger.warn({ provider, breaker: open ? 'open' : 'closed' }, open ? 'vendor circuit opened' : 'vendor circuit closed');
    },
  };
}
