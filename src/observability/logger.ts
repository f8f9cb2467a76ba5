import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import type { YogaLogger } from 'graphql-yoga';
import { logFormatFor, type OperationsConfig } from './settings.js';

export type { Logger };

/**
 * One JSON object a line on stdout, or readable lines for a person at a terminal (logFormatFor). Levels are
 * written as words and times as ISO 8601 so any log pipeline reads them without a pino-specific parser.
 */
export function createLogger(
  operations: Pick<OperationsConfig, 'logLevel' | 'logFormat' | 'production'>,
  destination?: DestinationStream,
): Logger {
  // Synchronous writes, so a reader that went away (EPIPE) only silences the log: pino's asynchronous default
  // retries a broken pipe forever in its exit flush, which hung the process on SIGTERM. JSON lines are batched
  // (turnBatched): one write per event-loop turn instead of one per request.
  const format = logFormatFor(operations.logFormat, { production: operations.production, stdoutIsTerminal: Boolean(process.stdout.isTTY) });
  const stream =
    destination ??
    (format === 'pretty'
      ? (createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty)({ colorize: Boolean(process.stdout.isTTY), sync: true })
      : turnBatched(pino.destination({ dest: 1, sync: true })));
  return pino(
    {
      level: operations.logLevel,
      base: { service: 'conversations-graph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Nothing logs credentials on purpose; this catches a slip.
      redact: { paths: ['authorization', '*.authorization', 'headers', '*.headers', 'token', '*.token', 'apiKey', '*.apiKey'], censor: '[redacted]' },
    },
    stream,
  );
}

/**
 * The lines logged during one event-loop turn, written together by one synchronous write when the turn
 * ends (setImmediate), or sooner once 64 KB are waiting, and on exit: nothing is lost when the process
 * stops or throws, and a line is out before the next I/O is handled. Under load one write carries the
 * lines of many requests (a write per request was ~5 % of the graph's CPU per merged page).
 */
const flushAtExit = new Set<() => void>();
process.on('exit', () => {
  for (const flush of flushAtExit) flush();
});

export function turnBatched(target: { write(chunk: string): unknown }): DestinationStream {
  let waiting: string[] = [];
  let waitingBytes = 0;
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (waiting.length === 0) return;
    const lines = waiting.length === 1 ? (waiting[0] as string) : waiting.join('');
    waiting = [];
    waitingBytes = 0;
    target.write(lines);
  };
  flushAtExit.add(flush);
  return {
    write(line: string): void {
      waiting.push(line);
      waitingBytes += line.length;
      if (waitingBytes >= 65_536) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

/**
 * Yoga's own messages (an unexpected resolver error before it is masked as "Unexpected error.") as JSON
 * lines of the same log, with the request id when the error surfaced inside a request.
 */
export function yogaLogger(logger: Logger, requestId: () => string | undefined): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      if (!logger.isLevelEnabled(level)) return;
      const error = args.find((arg): arg is Error => arg instanceof Error);
      const text = args.filter((arg) => typeof arg === 'string').join(' ');
      logger[level]({ requestId: requestId() ?? null, ...(error ? { err: error } : {}) }, text || error?.message || 'graphql-yoga');
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
