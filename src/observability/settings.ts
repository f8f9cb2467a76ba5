import { createEnvReader, type Env } from '../env-reader.js';

/** How the graph runs in production: its profile, listener, shutdown, logs and traces (`config.operations`). */
export interface OperationsConfig {
  /** `NODE_ENV=production`: the locked-down defaults below. */
  production: boolean;
  /** Listen address; undefined listens on every interface. */
  host: string | undefined;
  graphiql: boolean;
  /** Introspection and "Did you mean …?" field suggestions (both describe the schema to a stranger). */
  introspection: boolean;
  /** Refuse GET and form POST requests that carry no non-simple header (Yoga's CSRF prevention). */
  csrfPrevention: boolean;
  /** Origins allowed by CORS; `any` reflects every origin (development only, unless CORS_ORIGINS is set). */
  corsOrigins: string[] | 'any';
  /** Leave vendor URLs out of error extensions (they name the deployment's vendor endpoints). */
  hideVendorUrls: boolean;
  /** After SIGTERM/SIGINT: how long in-flight requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** After SIGTERM/SIGINT: how long the graph keeps accepting (with /ready at 503) so load balancers notice first. */
  shutdownDelayMs: number;
  logLevel: LogLevel;
  /** LOG_FORMAT; unset is `auto`: readable lines at a terminal, JSON elsewhere and in production (logFormatFor). */
  logFormat: LogFormatSetting;
  /** Traces go over OTLP/HTTP to this URL, only when OTEL_EXPORTER_OTLP_ENDPOINT (or …_TRACES_ENDPOINT) is set. */
  otlpTracesUrl: string | undefined;
  /** `service.name` of the spans (OTEL_SERVICE_NAME). */
  serviceName: string;
}

export type LogFormat = 'json' | 'pretty';
export type LogFormatSetting = LogFormat | 'auto';

/**
 * How log lines are written: as LOG_FORMAT says when it is set; else readable lines (pino-pretty) for a person at a
 * terminal, and JSON when stdout is a pipe or a file (a log collector, a container runtime) or NODE_ENV=production.
 */
export function logFormatFor(setting: LogFormatSetting, facts: { production: boolean; stdoutIsTerminal: boolean }): LogFormat {
  if (setting !== 'auto') return setting;
  return facts.stdoutIsTerminal && !facts.production ? 'pretty' : 'json';
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Reads the operations variables; appends every problem to `problems` (loadConfig reports them together). */
export function loadOperationsConfig(env: Env, problems: string[]): OperationsConfig {
  const { read, flag, integer } = createEnvReader(env, problems);

  const production = read('NODE_ENV') === 'production';
  if (production && read('CURSOR_SECRET') === undefined) {
    problems.push(
      'CURSOR_SECRET is required when NODE_ENV=production: cursors are signed with it, and every replica must share it ' +
        '(e.g. CURSOR_SECRET=$(openssl rand -base64 32))',
    );
  }

  let corsOrigins: string[] | 'any' = production ? [] : 'any';
  const origins = read('CORS_ORIGINS');
  if (origins !== undefined) {
    corsOrigins = [];
    for (const origin of origins.split(',').map((part) => part.trim()).filter(Boolean)) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        parsed = undefined;
      }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.origin !== origin.replace(/\/$/, '')) {
        problems.push(`CORS_ORIGINS must list origins such as https://app.example.com, got "${origin}"`);
      } else {
        corsOrigins.push(parsed.origin);
      }
    }
  }

  const level = read('LOG_LEVEL')?.toLowerCase() ?? 'info';
  let logLevel: LogLevel = 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) logLevel = level as LogLevel;
  else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${read('LOG_LEVEL')}"`);

  const format = read('LOG_FORMAT')?.toLowerCase() ?? 'auto';
  if (format !== 'json' && format !== 'pretty' && format !== 'auto') problems.push(`LOG_FORMAT must be json, pretty or auto, got "${read('LOG_FORMAT')}"`);

  // As the OpenTelemetry SDKs read them: the signal-specific URL as it is, the general one plus /v1/traces.
  let otlpTracesUrl: string | undefined;
  for (const [name, suffix] of [['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ''], ['OTEL_EXPORTER_OTLP_ENDPOINT', '/v1/traces']] as const) {
    const value = read(name);
    if (value === undefined || otlpTracesUrl !== undefined) continue;
    if (!/^https?:\/\/\S+$/.test(value)) problems.push(`${name} must be an http(s) URL, got "${value}"`);
    else otlpTracesUrl = value.replace(/\/+$/, '') + suffix;
  }

  const introspection = flag('INTROSPECTION', !production);
  return {
    production,
    host: read('HOST'),
    graphiql: flag('GRAPHIQL', !production),
    introspection,
    csrfPrevention: flag('CSRF_PREVENTION', true),
    corsOrigins,
    hideVendorUrls: production,
    shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    shutdownDelayMs: integer('SHUTDOWN_DELAY_MS', 0, 0, 600_000),
    logLevel,
    logFormat: format === 'pretty' || format === 'json' ? format : 'auto',
    otlpTracesUrl,
    serviceName: read('OTEL_SERVICE_NAME') ?? 'conversations-graph',
  };
}
