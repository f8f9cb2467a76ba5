import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { OperationsConfig } from './settings.js';

export type { Logger };

/**
 * One JSON object a line on stdout (LOG_FORMAT=pretty for people). Levels are written as words and times
 * as ISO 8601 so any log pipeline reads them without a pino-specific parser.
 */
export function createLogger(operations: Pick<OperationsConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const stream = destination ?? (operations.logFormat === 'pretty' ? pretty({ colorize: Boolean(process.stdout.isTTY), sync: true }) : undefined);
  return pino(
    {
      level: operations.logLevel,
      base: { service: 'conversations-graph' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Nothing logs credentials on purpose; this catches a slip.
      redact: { paths: ['authorization', '*.authorization', 'headers', '*.headers', 'token', '*.token', 'apiKey', '*.apiKey'], censor: '[redacted]' },
    },
    stream as DestinationStream,
  );
}
