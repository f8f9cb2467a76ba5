import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createTracing } from '../../src/observability/tracing.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/** Collects what the graph's logger writes, one parsed JSON object per line. */
function logSink() {
  const lines: Array<Record<string, unknown>> = [];
  let raw = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines, raw: () => raw };
}

async function post(graph: TestGraph, body: unknown, headers: Record<string, string> = {}) {
  const response = await request(graph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { headers: response.headers, body: (await response.body.json()) as GraphQLResponse };
}

async function metrics(graph: TestGraph): Promise<string> {
  const response = await request(graph.url.replace(/\/graphql$/, '/metrics'));
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.body.text();
}

/** The value of one series, e.g. `upstream_retries_total{provider="SYMBL"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const INBOX = 'query Inbox($first: Int) { conversations(first: $first) { edges { node { provider } } incompleteProviders } }';

describe('metrics, logs and traces over HTTP', () => {
  let graph: TestGraph;
  const log = logSink();
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    graph = await startTestGraph({
      only: ['FLASHBACK', 'SYMBL'],
      env: { LOG_LEVEL: 'info' },
      observability: { logDestination: log.stream, spanExporter: spans },
    });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('after a query: upstream and GraphQL series with provider, route template and outcome labels', async () => {
    const answer = await post(graph, { query: INBOX, variables: { first: 3 } });
    expect(answer.body.errors).toBeUndefined();
    const text = await metrics(graph);
    expect(sample(text, 'upstream_request_duration_seconds_count{provider="FLASHBACK",endpoint="/conversation",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'upstream_request_duration_seconds_count{provider="SYMBL",endpoint="/conversations",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'upstream_in_flight{provider="FLASHBACK"}')).toBe(0);
    expect(sample(text, 'upstream_circuit_open{provider="SYMBL"}')).toBe(0);
    expect(sample(text, 'graphql_yoga_http_duration_count{method="POST",statusCode="200",operationType="query"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'graphql_envelop_request_duration_count{operationType="query"}')).toBeGreaterThanOrEqual(1);
  });

  it('observes the HTTP duration of every request and logs one line for each, once its response is written', async () => {
    const series = 'graphql_yoga_http_duration_count{method="POST",statusCode="200",operationType="query"}';
    const before = sample(await metrics(graph), series) ?? 0;
    const ids = ['duration-1', 'duration-2', 'duration-3'];
    for (const id of ids) await post(graph, { query: INBOX, variables: { first: 1 } }, { 'x-request-id': id });
    expect(sample(await metrics(graph), series)).toBe(before + ids.length);
    for (const id of ids) {
      expect(log.lines.filter((line) => line.requestId === id)).toEqual([expect.objectContaining({ msg: 'graphql request', status: 200, durationMs: expect.any(Number) })]);
    }
  });

  it('after a vendor failure: its outcome, its retry and its error code are counted', async () => {
    const before = await metrics(graph);
    const errorsBefore = sample(before, 'graphql_envelop_error_result{phase="execute",code="UPSTREAM_UNAVAILABLE"}') ?? 0;
    const retriesBefore = sample(before, 'upstream_retries_total{provider="SYMBL"}') ?? 0;
    graph.emulators.emulators.SYMBL?.injectFault({ kind: 'status503', count: 2 });
    const answer = await post(graph, { query: INBOX, variables: { first: 3 } });
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    const text = await metrics(graph);
    // Two attempts (TEST_HTTP_ENV allows 2), both 503.
    expect(sample(text, 'upstream_request_duration_seconds_count{provider="SYMBL",endpoint="/conversations",outcome="UPSTREAM_UNAVAILABLE"}')).toBe(2);
    expect(sample(text, 'upstream_retries_total{provider="SYMBL"}')).toBe(retriesBefore + 1);
    expect(sample(text, 'graphql_envelop_error_result{phase="execute",code="UPSTREAM_UNAVAILABLE"}')).toBe(errorsBefore + 1);
  });

  it('keeps the number of series fixed whatever operation names, ids and filter values clients send', async () => {
    const shape = (index: number) => ({
      query: `query Client${index}($first: Int, $text: String) { conversations(first: $first, filter: { flashback: { userId: $text }, symbl: { types: [$text] } }) { edges { node { id } } } }`,
      operationName: `Client${index}`,
      variables: { first: 1 + (index % 3), text: `value-${index}` },
    });
    await post(graph, shape(0));
    const seriesBefore = (await metrics(graph)).split('\n').filter((line) => line && !line.startsWith('#')).length;
    for (let index = 1; index <= 12; index += 1) await post(graph, shape(index), { 'x-request-id': `client-${index}` });
    const after = await metrics(graph);
    expect(after.split('\n').filter((line) => line && !line.startsWith('#')).length).toBe(seriesBefore);
    expect(after).not.toMatch(/Client\d|value-\d|client-\d/);
  });

  it('takes the request id from the header, echoes it, and writes it in the request line and the vendor-failure line', async () => {
    graph.emulators.emulators.SYMBL?.injectFault({ kind: 'status500', count: 2 });
    const answer = await post(graph, { query: INBOX, variables: { first: 2 } }, { 'x-request-id': 'checkout-7f3a' });
    expect(answer.headers['x-request-id']).toBe('checkout-7f3a');
    const mine = log.lines.filter((line) => line.requestId === 'checkout-7f3a');
    expect(mine).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'vendor call failed', provider: 'SYMBL', endpoint: '/conversations', status: 500, code: 'UPSTREAM_UNAVAILABLE' }),
      expect.objectContaining({
        level: 'info',
        msg: 'graphql request',
        operationName: 'Inbox',
        operationType: 'query',
        status: 200,
        upstreamCalls: { FLASHBACK: 1, SYMBL: 2 },
        errorCodes: ['UPSTREAM_UNAVAILABLE'],
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('generates a request id when the header is missing or unusable, and uses that one everywhere', async () => {
    for (const header of [undefined, 'spaces and "quotes" '.repeat(20)]) {
      const answer = await post(graph, { query: '{ conversations(first: 1, providers: [FLASHBACK]) { totalCount } }' }, header ? { 'x-request-id': header } : {});
      const id = answer.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(log.lines.filter((line) => line.requestId === id)).toEqual([expect.objectContaining({ msg: 'graphql request', upstreamCalls: { FLASHBACK: expect.any(Number) } })]);
    }
  });

  it('never logs a credential, the document, variables or a filter value', async () => {
    graph.emulators.emulators.SYMBL?.injectFault({ kind: 'status503', count: 2 });
    await post(graph, {
      query: 'query Secretive($text: String) { conversations(first: 2, filter: { symbl: { nameContains: $text } }) { edges { node { id } } } }',
      variables: { text: 'filter-value-4c1d' },
    });
    await post(graph, { query: '{ conversations(first: 2, filter: { symbl: { nameContains: "inline-value-9e2b" } }) { edges { node { id } } } }' });
    const written = log.raw();
    expect(written).toContain('"operationName":"Secretive"');
    const tokenOf = (provider: 'SYMBL' | 'FLASHBACK') => (graph.config.vendorConfigs[provider] as { token?: string } | undefined)?.token;
    for (const secret of [tokenOf('SYMBL'), tokenOf('FLASHBACK'), 'filter-value-4c1d', 'inline-value-9e2b', 'nameContains', '127.0.0.1']) {
      expect(secret && written.includes(secret)).toBeFalsy();
    }
  });

  it("writes Yoga's own error messages (an unexpected error before masking) as JSON lines with the error", () => {
    graph.graph.observability.yogaLogger.error(new Error('resolver exploded'));
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', msg: 'resolver exploded', err: { type: 'Error', message: 'resolver exploded' } });
  });

  it('traces the operation and each vendor attempt under it (provider, endpoint, status, attempt)', async () => {
    spans.reset();
    graph.emulators.emulators.SYMBL?.injectFault({ kind: 'status503', count: 1 });
    await post(graph, { query: INBOX, variables: { first: 2 } }, { 'x-request-id': 'traced-1' });
    const finished = spans.getFinishedSpans();
    const operation = finished.find((span) => span.name === 'query Inbox');
    expect(operation?.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Inbox', 'request.id': 'traced-1' });
    const upstream = finished.filter((span) => span.parentSpanContext?.spanId === operation?.spanContext().spanId);
    const summary = (span: ReadableSpan) => ({
      name: span.name,
      provider: span.attributes['upstream.provider'],
      endpoint: span.attributes['upstream.endpoint'],
      status: span.attributes['http.response.status_code'],
      attempt: span.attributes['upstream.attempt'],
      failed: span.status.code === 2,
    });
    expect(upstream.map(summary).sort((a, b) => `${a.provider}${a.attempt}`.localeCompare(`${b.provider}${b.attempt}`))).toEqual([
      { name: 'GET FLASHBACK /conversation', provider: 'FLASHBACK', endpoint: '/conversation', status: 200, attempt: 1, failed: false },
      { name: 'GET SYMBL /conversations', provider: 'SYMBL', endpoint: '/conversations', status: 503, attempt: 1, failed: true },
      { name: 'GET SYMBL /conversations', provider: 'SYMBL', endpoint: '/conversations', status: 200, attempt: 2, failed: false },
    ]);
    expect(upstream.every((span) => span.spanContext().traceId === operation?.spanContext().traceId)).toBe(true);
    expect(JSON.stringify(finished.map((span) => span.attributes))).not.toMatch(/conversations\(|127\.0\.0\.1/);
  });

  it("continues the caller's trace from a W3C traceparent header", async () => {
    spans.reset();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await post(graph, { query: '{ conversations(first: 1, providers: [FLASHBACK]) { totalCount } }' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const operation = spans.getFinishedSpans().find((span) => span.name === 'query');
    expect(operation?.spanContext().traceId).toBe(traceId);
    expect(operation?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });
});

describe('vendor breakers in metrics and /ready', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK', 'SYMBL'], env: { UPSTREAM_BREAKER_THRESHOLD: '2', UPSTREAM_BREAKER_HALF_OPEN_MS: '60000', UPSTREAM_MAX_ATTEMPTS: '1' } });
  });
  afterAll(async () => {
    await graph?.close();
  });

  it('shows an open breaker as upstream_circuit_open 1 and in /ready, which stays 200', async () => {
    graph.emulators.emulators.SYMBL?.injectFault({ kind: 'status503', count: 2 });
    for (let index = 0; index < 2; index += 1) await post(graph, { query: INBOX, variables: { first: 1 } });
    const text = await metrics(graph);
    expect(sample(text, 'upstream_circuit_open{provider="SYMBL"}')).toBe(1);
    expect(sample(text, 'upstream_circuit_open{provider="FLASHBACK"}')).toBe(0);
    const ready = await request(graph.url.replace(/\/graphql$/, '/ready'));
    expect(ready.statusCode).toBe(200);
    expect(await ready.body.json()).toMatchObject({
      status: 'ready',
      providers: { SYMBL: { configured: true, breaker: 'open' }, FLASHBACK: { configured: true, breaker: 'closed' }, CHATBASE: { configured: false } },
    });
  });
});

describe('trace export', () => {
  it('installs nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset', () => {
    expect(createTracing(loadConfig({}).operations)).toBeNull();
  });

  it('sends spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces', async () => {
    const received: Array<{ path: string; type: string; bytes: number }> = [];
    const collector: Server = createServer((req: IncomingMessage, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: String(req.headers['content-type']), bytes });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const graph = await startTestGraph({ only: ['FLASHBACK'], env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } });
    await post(graph, { query: '{ conversations(first: 1) { totalCount } }' });
    await graph.close(); // flushes the batch
    await new Promise<void>((resolve) => collector.close(() => resolve()));
    expect(received.length).toBeGreaterThanOrEqual(1);
    expect(received[0]).toMatchObject({ path: '/v1/traces' });
    expect(received[0]?.bytes).toBeGreaterThan(0);
  });
});
