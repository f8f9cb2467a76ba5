import { pino, type DestinationStream, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type PinoPretty from 'pino-pretty';
import type { YogaLogger } from 'graphql-yoga';
import type { OperationsConfig } from './settings.js';

export type { Logger };

/**
 * One JSON object a line on stdout (LOG_FORMAT=pretty for people). Levels are written as words and times
 * as ISO 8601 so any log pipeline reads them without a pino-specific parser.
 */
export function createLogger(operations: Pick<OperationsConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  // Synchronous writes: a line is out before the next statement (nothing lost at exit), and a reader that
  // went away (EPIPE) only silences the log. pino's asynchronous default retries a broken pipe forever in its
  // exit flush, which hung the process on SIGTERM.
  const stream =
    destination ??
    (operations.logFormat === 'pretty'
      ? (createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty)({ colorize: Boolean(process.stdout.isTTY), sync: true })
      : pino.destination({ dest: 1, sync: true }));
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
