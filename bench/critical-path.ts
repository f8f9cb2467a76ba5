import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { percentile } from './percentile.js';

/**
 * Where a target's own time goes on the path of a page that ran alone: read inside the target from
 * Node's and undici's diagnostics channels, so neither the client, the hop nor the emulators' share of
 * the cores is in it. Between `?start` and `?stop` of CRITICAL_PATH_PATH, each request that had the
 * process to itself (no other request in flight from its receipt to its end) is timed from its receipt
 * to its first vendor call written, to its last one written, to its last vendor body read in full, and
 * to its response written.
 */

export const CRITICAL_PATH_PATH = '/__bench/critical-path';

export interface CriticalPathStats {
  /** Requests timed: those that ran alone and called a vendor. */
  requests: number;
  /** Medians, in ms. */
  vendorCalls: number;
  /** Receipt of the request → the first vendor call's headers written to its socket. */
  toFirstCallMs: number;
  /** Receipt → the last vendor call's headers written. */
  toLastCallMs: number;
  /** The last vendor body read in full → the response written. */
  afterLastAnswerMs: number;
  /** Receipt → response written. */
  totalMs: number;
  /** The target's own time on the page's path: to its last call, plus after its last answer (the median of the sum). */
  ownMs: number;
}

interface Timed {
  receivedAt: number;
  alone: boolean;
  sends: number[];
  bodiesReadAt: number[];
  finishedAt?: number;
}

const now = (): number => performance.now();

/** 0 when no page was timed, so the JSON holds a number. */
function median(values: number[]): number {
  return values.length === 0 ? 0 : Number(percentile(values, 0.5).toFixed(3));
}

class CriticalPathRecorder {
  private inFlight = 0;
  private current: Timed | null = null;
  private readonly timed: Timed[] = [];

  /** Times the requests of `server` only: another server in the process is a vendor's, not the target's. */
  constructor(private readonly server: Server | undefined) {}

  private readonly onRequest = (message: unknown): void => {
    const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
    if (server !== this.server || request.url?.startsWith('/__bench/')) return;
    this.inFlight += 1;
    if (this.current) this.current.alone = false;
    const entry: Timed | null = this.inFlight === 1 ? { receivedAt: now(), alone: true, sends: [], bodiesReadAt: [] } : null;
    this.current = entry;
    response.once('finish', () => {
      if (entry) entry.finishedAt = now();
    });
    response.once('close', () => {
      this.inFlight -= 1;
      if (entry?.alone && entry.finishedAt !== undefined && entry.sends.length > 0) this.timed.push(entry);
      if (this.current === entry) this.current = null;
    });
  };

  private readonly onSend = (): void => {
    this.current?.sends.push(now());
  };

  private readonly onBodyRead = (): void => {
    this.current?.bodiesReadAt.push(now());
  };

  start(): void {
    subscribe('http.server.request.start', this.onRequest);
    subscribe('undici:client:sendHeaders', this.onSend);
    subscribe('undici:request:trailers', this.onBodyRead);
  }

  stop(): CriticalPathStats {
    unsubscribe('http.server.request.start', this.onRequest);
    unsubscribe('undici:client:sendHeaders', this.onSend);
    unsubscribe('undici:request:trailers', this.onBodyRead);
    const timed = this.timed.filter((entry) => entry.bodiesReadAt.length > 0);
    const toLastCall = (entry: Timed): number => Math.max(...entry.sends) - entry.receivedAt;
    const afterLastAnswer = (entry: Timed): number => (entry.finishedAt as number) - Math.max(...entry.bodiesReadAt);
    return {
      requests: timed.length,
      vendorCalls: median(timed.map((entry) => entry.sends.length)),
      toFirstCallMs: median(timed.map((entry) => Math.min(...entry.sends) - entry.receivedAt)),
      toLastCallMs: median(timed.map(toLastCall)),
      afterLastAnswerMs: median(timed.map(afterLastAnswer)),
      totalMs: median(timed.map((entry) => (entry.finishedAt as number) - entry.receivedAt)),
      ownMs: median(timed.map((entry) => toLastCall(entry) + afterLastAnswer(entry))),
    };
  }
}

let recorder: CriticalPathRecorder | null = null;

export function answerCriticalPath(request: IncomingMessage, response: ServerResponse): void {
  if (request.url?.endsWith('?start')) {
    recorder?.stop();
    recorder = new CriticalPathRecorder((request.socket as { server?: Server }).server);
    recorder.start();
    response.writeHead(204).end();
    return;
  }
  if (!recorder) {
    response.writeHead(409).end('no critical-path window started');
    return;
  }
  const stats = recorder.stop();
  recorder = null;
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(stats));
}
