import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type FetchAPI } from 'graphql-yoga';

/** Set on a subscription result by the graph: the SSE `id:` of the event (the edge's cursor). */
export const EVENT_ID = Symbol('liveEventId');

export interface HeartbeatSettings {
  /** A comment line every this often keeps proxies from closing an idle stream and shows a vanished client. */
  intervalMs: number;
  /** A client that has not read for this long (the stream is full and nothing moves) is cut. */
  timeoutMs: number;
}

/** Result fields a client must not see (Yoga's internal ones). */
function stringify(result: ExecutionResult): string {
  return JSON.stringify({ data: result.data, ...(result.errors ? { errors: result.errors } : {}), ...(result.extensions ? { extensions: result.extensions } : {}) });
}

/**
 * GraphQL over SSE (the graphql-sse protocol's distinct connections mode, as Yoga's own processor writes it):
 * `event: next` per result and `event: complete` at the end; in addition each event carries `id:` (its cursor),
 * so an EventSource that reconnects sends `Last-Event-ID` and resumes after it, and a client that stops
 * reading is cut after the heartbeat timeout (`onStalled`) instead of being held open.
 */
export function createSseProcessor(heartbeat: HeartbeatSettings, onStalled: () => void) {
  return (result: unknown, fetchAPI: FetchAPI): Response => {
    const encoder = new fetchAPI.TextEncoder();
    let iterator: AsyncIterator<ExecutionResult> | null = null;
    let ping: NodeJS.Timeout | null = null;
    let stalledSince: number | null = null;
    const stop = (): void => {
      if (ping) clearInterval(ping);
      ping = null;
    };
    const stream = new fetchAPI.ReadableStream<Uint8Array>({
      start(controller) {
        // Browsers hold a fetch until the first bytes arrive.
        controller.enqueue(encoder.encode(':\n\n'));
        ping = setInterval(() => {
          if (controller.desiredSize === null) return stop();
          if (controller.desiredSize > 0) {
            stalledSince = null;
            controller.enqueue(encoder.encode(':\n\n'));
            return;
          }
          stalledSince ??= Date.now();
          if (Date.now() - stalledSince >= heartbeat.timeoutMs) {
            stop();
            void iterator?.return?.();
            onStalled();
          }
        }, heartbeat.intervalMs);
        ping.unref?.();
        if (isAsyncIterable(result)) {
          iterator = (result as AsyncIterable<ExecutionResult>)[Symbol.asyncIterator]();
        } else {
          let sent = false;
          iterator = {
            next: async () => {
              if (sent) return { done: true, value: undefined };
              sent = true;
              return { done: false, value: result as ExecutionResult };
            },
          };
        }
      },
      async pull(controller) {
        const active = iterator;
        if (!active) return;
        try {
          const { done, value } = await active.next();
          if (value != null) {
            const id = (value as { [EVENT_ID]?: string })[EVENT_ID];
            controller.enqueue(encoder.encode(`${id ? `id: ${id}\n` : ''}event: next\ndata: ${stringify(value)}\n\n`));
          }
          if (done) {
            controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
            stop();
            controller.close();
          }
        } catch (error) {
          stop();
          controller.error(error);
        }
      },
      async cancel() {
        stop();
        await iterator?.return?.();
      },
    });
    return new fetchAPI.Response(stream, {
      status: 200,
      headers: { 'content-type': 'text/event-stream', connection: 'keep-alive', 'cache-control': 'no-cache', 'content-encoding': 'none' },
    });
  };
}
