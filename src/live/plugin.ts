import { GraphQLError, getOperationAST, type ExecutionArgs, type ExecutionResult, type ValidationRule } from 'graphql';
import { useGraphQLSSE } from '@graphql-yoga/plugin-graphql-sse';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { AppConfig } from '../config.js';
import type { GraphContext } from '../context.js';
import { runInRequestScope } from '../request-scope.js';
import { LiveErrorCode } from './service.js';
import { createSseProcessor, EVENT_ID } from './sse.js';

/** SUBSCRIPTIONS=false: every subscription is refused in validation, with a code, before anything runs. */
const NoSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(
        new GraphQLError('Subscriptions are turned off on this graph (SUBSCRIPTIONS=false).', {
          nodes: [node],
          extensions: { code: LiveErrorCode.SUBSCRIPTIONS_DISABLED },
        }),
      );
    }
  },
});

/**
 * For `useGraphQlJit`'s `enableIf`: graphql-jit's compiled subscribe loses the root field's literal arguments
 * (`conversationAdded(providers: [ONE_VENDOR])` subscribed to every provider), so subscriptions run on graphql-js.
 */
export function isNotSubscription(args: ExecutionArgs): boolean {
  return getOperationAST(args.document, args.operationName)?.operation !== 'subscription';
}

function wantsEventStream(request: Request): boolean {
  return (request.headers.get('accept') ?? '').includes('text/event-stream');
}

/**
 * Subscriptions over SSE: each event resolves in a request scope of its own (deadline, call budget, loaders),
 * carries its cursor as the SSE `id:`, and a stream whose client stopped reading is cut after the heartbeat
 * timeout. Subscriptions count against the operation limits in useOperationLimits (limits/plugin.ts).
 */
export function useLiveSubscriptions(config: AppConfig): Plugin<GraphContext> {
  const heartbeat = { intervalMs: config.live.heartbeatIntervalMs, timeoutMs: config.live.heartbeatTimeoutMs };
  return {
    onValidate({ addValidationRule }) {
      if (!config.live.enabled) addValidationRule(NoSubscriptions);
    },
    onSubscribe() {
      return {
        onSubscribeResult({ args, result, setResult }) {
          if (!isAsyncIterable(result)) return;
          const context = args.contextValue as GraphContext;
          const inner = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
          let first = true;
          const events: AsyncIterableIterator<ExecutionResult> = {
            next: () =>
              // The event's own deadline and budget start when it is taken (LiveSubscription.onTake), inside this scope.
              runInRequestScope(context.scope, () => inner.next()).then((step) => {
                if (step.done || !step.value) return step;
                const value = step.value as ExecutionResult & { [EVENT_ID]?: string };
                const state = context.liveEvents;
                if (state?.lastCursor) {
                  Object.defineProperty(value, EVENT_ID, { value: state.lastCursor, enumerable: false });
                  state.lastCursor = null;
                }
                if (first && state?.subscription.resumeTruncated) {
                  value.extensions = {
                    ...value.extensions,
                    warnings: [
                      {
                        code: 'LIVE_RESUME_TRUNCATED',
                        message: `More conversations arrived since the resume point than LIVE_RESUME_LIMIT (${config.live.resumeLimit}); the oldest of them were not sent. Refetch the connection to fill the gap.`,
                      },
                    ],
                  };
                }
                first = false;
                return step;
              }),
            return: async () => (inner.return ? inner.return() : { done: true, value: undefined }),
            throw: async (error?: unknown) => (inner.throw ? inner.throw(error) : Promise.reject(error)),
            [Symbol.asyncIterator]() {
              return this;
            },
          };
          setResult(events);
        },
      };
    },
    onResultProcess({ request, result, setResultProcessor, serverContext }) {
      if (!isAsyncIterable(result) || !wantsEventStream(request)) return;
      const response = (serverContext as { res?: { destroy?: () => void } } | undefined)?.res;
      setResultProcessor(
        createSseProcessor(heartbeat, () => response?.destroy?.()),
        'text/event-stream',
      );
    },
  };
}

/** graphql-sse's single connection mode (and its distinct connections mode) at this path, besides Yoga's own SSE at /graphql. */
export const SINGLE_CONNECTION_PATH = '/graphql/stream';

/**
 * The graphql-sse protocol's single connection mode (one event stream per client, operations reserved on it) at
 * /graphql/stream, through `@graphql-yoga/plugin-graphql-sse`. It reads its own bodies: those without a
 * Content-Length, or over MAX_REQUEST_BODY_BYTES, are refused here first (411 / 413).
 */
export function useSingleConnectionSse(maxBodyBytes: number): Plugin<GraphContext>[] {
  const guard: Plugin<GraphContext> = {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== SINGLE_CONNECTION_PATH || (request.method !== 'POST' && request.method !== 'PUT')) return;
      const declared = request.headers.get('content-length');
      const refuse = (status: number, code: string, message: string): void =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
            status,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      if (request.method === 'PUT') return;
      if (declared === null || !/^\d+$/.test(declared)) return refuse(411, 'BAD_REQUEST', 'A Content-Length header is required here.');
      if (Number(declared) > maxBodyBytes) return refuse(413, 'REQUEST_ENTITY_TOO_LARGE', 'Request body too large');
    },
  };
  return [guard, useGraphQLSSE({ endpoint: SINGLE_CONNECTION_PATH }) as Plugin<GraphContext>];
}
