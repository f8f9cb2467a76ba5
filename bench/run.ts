import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { request } from 'undici';
import { configuredProviders, loadConfig } from '../src/config.js';
import { VENDORS } from '../src/vendors/vendors.js';
import { CRITICAL_PATH_PATH, type CriticalPathStats } from './critical-path.js';
import { percentile } from './percentile.js';
import { ALLOCATION_PATH, STATS_PATH, callHeaders, type AllocationStats, type ProcessStats, type UpstreamCall } from './child.js';
import type { ReplayCounters } from './replay.js';
import { meshSubgraphs, PEER_SCENARIOS, type PeerScenario } from './peers/scenarios.js';
import { SCENARIOS, type GraphQLAnswer, type GraphQLBody, type Scenario } from './scenarios.js';
import { vendorHeadersByOrigin } from './vendor-headers.js';

/**
 * `npm run bench`: what the graph adds on top of the vendor round trips it wraps.
 *
 * Processes: this one (the load generator, autocannon), the emulators (one, or one per vendor with
 * BENCH_EMULATORS=per-vendor), the graph, and a thin pass-through (bench/pass-through.ts) that makes the
 * same upstream calls the graph made for the page, parses them and concatenates them. Both targets are
 * loaded in the same run, alternating in rounds, so every figure is also a ratio that survives a busy machine.
 *
 * Two upstreams, one after the other (BENCH_UPSTREAMS): `replay` (bench/replay.ts: the emulators' answers for
 * the scenario recorded once, then served byte for byte at wire speed) and `emulators` (the targets call the
 * emulators themselves). The headline is CPU per request read from each target process itself, which
 * neither the upstream nor the other agents on the machine can bend; requests/s ratios come from the
 * replay run, with the upstream's CPU share per round beside them. See docs/benchmarks.md.
 */

const env = process.env;
function scenarioById(id: string): Scenario {
  const found = [...SCENARIOS, ...PEER_SCENARIOS].find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no bench scenario ${id} (${[...SCENARIOS, ...PEER_SCENARIOS].map((known) => known.id).join(', ')})`);
  return found;
}
const settings = {
  /** Measured seconds per target and scenario, split over the rounds. */
  seconds: Number(env.BENCH_SECONDS ?? 16),
  rounds: Number(env.BENCH_ROUNDS ?? 4),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 2),
  connections: Number(env.BENCH_CONNECTIONS ?? 10),
  /** Added emulator latency for the throughput scenarios (the issue's baseline: none). */
  upstreamMs: Number(env.BENCH_UPSTREAM_MS ?? 0),
  latencyScenarioMs: Number(env.BENCH_LATENCY_MS ?? 50),
  latencySamples: Number(env.BENCH_LATENCY_SAMPLES ?? 40),
  coalesceConnections: Number(env.BENCH_COALESCE_CONNECTIONS ?? 50),
  /** `npm run bench:soak`: this many requests through a fresh graph, memory read at 10k, 25k, 50k, 100k (up to it) and at the end (0: no soak). */
  soakRequests: Number(env.BENCH_SOAK_REQUESTS ?? 0),
  scenarios: env.BENCH_SCENARIOS ? env.BENCH_SCENARIOS.split(',').map((id) => scenarioById(id.trim())) : SCENARIOS,
  /** `mesh` (`npm run bench:peers`): GraphQL Mesh (bench/peers/) as a third target in the peer scenarios. */
  peer: env.BENCH_PEER === 'mesh' ? ('mesh' as const) : null,
  /** A directory: the graph runs under `node --cpu-prof` and writes its profile there on exit. */
  cpuProfileDir: env.BENCH_CPU_PROF,
  /** Another checkout (with node_modules) whose graph runs beside this one, in the same rounds: a before/after ratio. */
  compareDir: env.BENCH_COMPARE_DIR,
  /** Extra environment for the compared graph, e.g. `UPSTREAM_COALESCE=true` (space-separated KEY=VALUE). */
  compareEnv: env.BENCH_COMPARE_ENV,
  /** Node flags for the targets instead of package.json's `config.graphNodeFlags` (`''`: Node's defaults). */
  nodeFlags: env.BENCH_NODE_FLAGS,
  out: env.BENCH_OUT ?? 'bench/results/latest.json',
  emulators: env.BENCH_EMULATORS === 'per-vendor' ? ('per-vendor' as const) : ('shared' as const),
  /** Which upstreams the targets are measured against, in order: `replay`, `emulators` or both (default). */
  upstreams: (env.BENCH_UPSTREAMS ?? 'replay,emulators').split(',').map((name) => {
    const trimmed = name.trim();
    if (trimmed !== 'replay' && trimmed !== 'emulators') throw new Error(`BENCH_UPSTREAMS: unknown upstream ${trimmed} (replay, emulators)`);
    return trimmed;
  }),
  /** Requests per target whose V8 heap allocation is counted, after the measured rounds (0: not measured). */
  allocationRequests: Number(env.BENCH_ALLOCATION_REQUESTS ?? 400),
};

// ---------------------------------------------------------------- processes

interface Child {
  process: ChildProcess;
  lines: string[];
  waitFor(test: (line: string) => boolean): Promise<string>;
}

/** A `.ts` script runs under tsx; a built `.js` one (dist/, `npm run build`) on Node alone, as `npm start` runs the graph. */
function startChild(script: string, childEnv: Record<string, string | undefined>, nodeArgs: string[] = [], cwd?: string): Child {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    env: childEnv,
    ...(cwd ? { cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  const onLine = (line: string): void => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', (line) => {
    onLine(line);
    if (!line.startsWith('#')) process.stderr.write(`[${script}] ${line}\n`);
  });
  return {
    process: child,
    lines,
    waitFor: (test) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find(test);
        if (seen !== undefined) return resolve(seen);
        waiters.push({ test, resolve });
        child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
      }),
  };
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  await exited;
}

async function startTarget(
  script: string,
  childEnv: Record<string, string | undefined>,
  nodeArgs: string[] = [],
  cwd?: string,
): Promise<Target> {
  const child = startChild(script, childEnv, nodeArgs, cwd);
  const line = await child.waitFor((text) => text.startsWith('LISTENING '));
  const origin = `http://127.0.0.1:${line.slice('LISTENING '.length)}`;
  const stats = await processStats(origin);
  return { child, origin, pid: stats.pid };
}

interface Target {
  child: Child;
  origin: string;
  pid: number;
}

/** With `collect`, a target started with --expose-gc collects first (what it retains, not what it has yet to collect). */
async function processStats(origin: string, collect = false): Promise<ProcessStats> {
  const response = await request(origin + STATS_PATH + (collect ? '?gc=1' : ''));
  return (await response.body.json()) as ProcessStats;
}

/** Peak RSS since the last reset (Linux /proc); resetting needs write access to clear_refs. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
function rssFromProc(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

// ---------------------------------------------------------------- emulators

// `shared` (the default, as issue #12 measured): one process serves every vendor, so vendor work takes
// at most one of the machine's cores. `per-vendor`: one process each, as real vendors do not share a CPU;
// on 2 cores they then compete with the graph and the pass-through for both.
const PROVIDERS = VENDORS.map((vendor) => vendor.provider);
const ALL_PORTS_FREE = Object.fromEntries(PROVIDERS.map((provider) => [`EMULATOR_${provider}_PORT`, '0']));
// No vendor rate window under the bench's load (an emulator's window, e.g. 1,667 calls per 10 s, would turn a
// soak into a count of 429s): the bench measures the graph, not the window.
const EMULATOR_ENV = { EMULATOR_RATE_LIMITS: 'off', ...env, ...ALL_PORTS_FREE };
const emulatorChildren =
  settings.emulators === 'per-vendor'
    ? PROVIDERS.map((provider) => startChild('src/emulators/main.ts', { ...EMULATOR_ENV, EMULATOR_ONLY: provider }))
    : [startChild('src/emulators/main.ts', EMULATOR_ENV)];
await Promise.all(emulatorChildren.map((child) => child.waitFor((line) => line.startsWith('# emulators running'))));
const vendorEnv: Record<string, string> = {};
for (const line of emulatorChildren.flatMap((child) => child.lines)) {
  const match = /^([A-Z_]+)=(.*)$/.exec(line);
  if (match) vendorEnv[match[1] as string] = match[2] as string;
}
const config = loadConfig(vendorEnv);
const vendorOrigins = [...new Set(configuredProviders(config).map((provider) => new URL(config.vendorConfigs[provider]!.baseUrl).origin))];
const vendorHeaders = vendorHeadersByOrigin(config);

async function control(path: string, body?: unknown): Promise<unknown[]> {
  return Promise.all(
    vendorOrigins.map(async (origin) => {
      const response = await request(`${origin}/__control/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
      return response.body.json();
    }),
  );
}
const setLatency = (fixedMs: number): Promise<unknown> => control('latency', { fixedMs, jitterMs: fixedMs / 5 });
async function upstreamCallsSoFar(): Promise<number> {
  const counters = (await control('counters')) as Array<Record<string, number>>;
  return counters.reduce((sum, byEndpoint) => sum + Object.values(byEndpoint).reduce((a, b) => a + b, 0), 0);
}
async function connectionsSoFar(): Promise<number> {
  const accepted = (await control('connections')) as Array<{ accepted: number }>;
  return accepted.reduce((sum, { accepted: count }) => sum + count, 0);
}
/** Every upstream URL logged since the last reset, in order, per vendor. */
async function upstreamCalls(): Promise<UpstreamCall[]> {
  const logs = (await control('log')) as Array<Array<{ method: string; path: string; search: string; body: string }>>;
  return logs.flatMap((log, index) =>
    log.map((entry) => ({
      url: `${vendorOrigins[index]}${entry.path}${entry.search ? `?${entry.search}` : ''}`,
      method: entry.method === 'POST' ? 'POST' : 'GET',
      body: entry.body,
    })),
  );
}

/** Clock ticks of user plus system CPU of a process, from /proc (Linux); 0 elsewhere. */
const CLOCK_TICKS_PER_SECOND = 100;
function cpuMicrosFromProc(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** What the targets call for vendor data, and how the bench counts what they asked of it. */
interface Upstream {
  kind: 'replay' | 'emulators';
  /** The vendor variables that point a target at it. */
  env: Record<string, string>;
  /** Processes whose CPU is the upstream's share of a round. */
  pids: number[];
  reset(): Promise<void>;
  callsSoFar(): Promise<number>;
  connectionsSoFar(): Promise<number>;
  /** Every vendor call since the last reset, in order. */
  calls(): Promise<UpstreamCall[]>;
  /** Replay only: `record` while a scenario is prepared and planned, `replay` while it is measured. */
  setMode(mode: 'record' | 'replay'): Promise<void>;
  /** Replay only: calls since the last reset that found nothing recorded. */
  missesSoFar(): Promise<number>;
  stop(): Promise<void>;
}

const emulatorUpstream: Upstream = {
  kind: 'emulators',
  env: vendorEnv,
  pids: emulatorChildren.map((child) => child.process.pid ?? 0),
  reset: async () => {
    await control('reset', {});
  },
  callsSoFar: upstreamCallsSoFar,
  connectionsSoFar,
  calls: upstreamCalls,
  setMode: async () => {},
  missesSoFar: async () => 0,
  stop: async () => {},
};

/**
 * The replay server in front of the emulators: every `*_BASE_URL` of the vendors points at its port for
 * that vendor's origin instead (same path), so no vendor is named here.
 */
async function startReplay(): Promise<Upstream> {
  const script = existsSync('dist/bench-replay.js') ? 'dist/bench-replay.js' : 'bench/replay.ts';
  const child = startChild(script, { ...env, REPLAY_UPSTREAMS: JSON.stringify(vendorOrigins) });
  const controlPort = (await child.waitFor((line) => line.startsWith('LISTENING '))).slice('LISTENING '.length);
  const replayOrigin = new Map<string, string>();
  for (const line of child.lines) {
    const match = /^REPLAY (\S+) (\d+)$/.exec(line);
    if (match) replayOrigin.set(match[1] as string, `http://127.0.0.1:${match[2]}`);
  }
  const replayEnv = { ...vendorEnv };
  for (const [key, value] of Object.entries(vendorEnv)) {
    if (!key.endsWith('_BASE_URL')) continue;
    const url = new URL(value);
    const origin = replayOrigin.get(url.origin);
    if (origin) replayEnv[key] = origin + value.slice(url.origin.length);
  }
  const controlOrigin = `http://127.0.0.1:${controlPort}/__replay/`;
  const call = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await request(controlOrigin + path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return response.body.json();
  };
  const counters = async (): Promise<ReplayCounters> => (await call('counters')) as ReplayCounters;
  return {
    kind: 'replay',
    env: replayEnv,
    pids: [child.process.pid ?? 0],
    reset: async () => {
      await call('reset', {});
    },
    callsSoFar: async () => (await counters()).calls,
    connectionsSoFar: async () => (await counters()).connections,
    calls: async () => (await call('log')) as UpstreamCall[],
    setMode: async (mode) => {
      await call('mode', { mode });
    },
    missesSoFar: async () => (await counters()).misses,
    stop: () => stopChild(child),
  };
}

// ---------------------------------------------------------------- targets

/**
 * Builds dist/ in `cwd` (a compared checkout too, when it has the build script) and names the graph's and
 * pass-through's bundles, and the Node flags `npm start` gives the graph there (package.json `config.graphNodeFlags`).
 */
function builtTargets(cwd = process.cwd()): { graph: string; passThrough: string; graphNodeFlags: string[] } {
  const packageJson = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { config?: { graphNodeFlags?: string } };
  const graphNodeFlags = (settings.nodeFlags ?? packageJson.config?.graphNodeFlags ?? '').split(/\s+/).filter(Boolean);
  if (!existsSync(join(cwd, 'scripts/build.mjs'))) return { graph: 'bench/graph-server.ts', passThrough: 'bench/pass-through.ts', graphNodeFlags };
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd, stdio: 'inherit' });
  return { graph: 'dist/bench-graph-server.js', passThrough: 'dist/bench-pass-through.js', graphNodeFlags };
}
const scripts = builtTargets();
const profileArgs = settings.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`] : [];
const compareEnv = Object.fromEntries(
  (settings.compareEnv ?? '').split(/\s+/).filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const comparedTargets = settings.compareDir || settings.compareEnv ? builtTargets(settings.compareDir ?? process.cwd()) : null;

// The targets of the current upstream (each upstream gets fresh ones: their vendor URLs differ).
let upstream: Upstream = emulatorUpstream;
let targetEnv: Record<string, string | undefined> = {};
let graph: Target;
let passThrough: Target;
let compared = null as Target | null;
let peer = null as Target | null;
const PEER_SCRIPT = 'bench/peers/dist/mesh-server.js';
if (settings.peer) {
  if (!existsSync('bench/peers/node_modules')) throw new Error('BENCH_PEER=mesh needs bench/peers installed: npm run bench:peers installs it');
  execFileSync(process.execPath, ['bench/peers/build.mjs'], { stdio: 'inherit' });
}

async function startTargets(next: Upstream): Promise<void> {
  upstream = next;
  targetEnv = { ...env, ...next.env, UPSTREAM_BREAKER_THRESHOLD: '0' };
  // Distinct requests: no sharing of upstream calls between concurrent requests (coalescing has its own scenario).
  graph = await startTarget(scripts.graph, { ...targetEnv, UPSTREAM_COALESCE: 'false' }, [...scripts.graphNodeFlags, ...profileArgs]);
  // The same Node flags as the graph: the ratio compares the work, not the tuning.
  passThrough = await startTarget(scripts.passThrough, targetEnv, scripts.graphNodeFlags);
  compared = comparedTargets
    ? await startTarget(comparedTargets.graph, { ...targetEnv, UPSTREAM_COALESCE: 'false', ...compareEnv }, comparedTargets.graphNodeFlags, settings.compareDir)
    : null;
  peer = settings.peer
    ? await startTarget(PEER_SCRIPT, { ...env, MESH_SUBGRAPHS: JSON.stringify(meshSubgraphs(loadConfig(next.env))) }, scripts.graphNodeFlags)
    : null;
}

async function stopTargets(): Promise<void> {
  await stopChild(graph.child);
  await stopChild(passThrough.child);
  if (compared) await stopChild(compared.child);
  if (peer) await stopChild(peer.child);
}

interface Request {
  url: string;
  method: 'POST' | 'GET';
  body?: string;
  headers?: Record<string, string>;
}

const GRAPHQL_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
const graphRequest = (body: GraphQLBody, origin: string = graph.origin): Request => ({
  url: `${origin}/graphql`,
  method: 'POST',
  body: JSON.stringify(body),
  headers: GRAPHQL_HEADERS,
});

async function once(target: Request): Promise<{ status: number; text: string }> {
  const response = await request(target.url, { method: target.method, body: target.body, headers: target.headers });
  return { status: response.statusCode, text: await response.body.text() };
}

interface Measured {
  completed: number;
  elapsedMs: number;
  latenciesMs: number[];
  failed: number;
  cpuMicros: number;
  /** CPU of the upstream's processes over the same run (from /proc). */
  upstreamCpuMicros: number;
  upstreamCalls: number;
  /** Replay only: calls that found nothing recorded. */
  upstreamMisses: number;
  newConnections: number;
  rssPeakBytes: number;
  rssAfterBytes: number;
}

/** Loads `target` for `seconds`, or for exactly `amount` requests (then every request has completed when it returns). */
interface Loaded {
  result: autocannon.Result;
  /**
   * With `checkBody`: the answers that carried errors, counted by their errors' `extensions.code` (and
   * `extensions.provider` when there is one), e.g. `{ "UPSTREAM_RATE_LIMITED <PROVIDER>": 12 }`.
   */
  errorCodes: Record<string, number>;
  /**
   * performance.now() when the last response arrived. With `amount`, autocannon reports the end only at its next
   * one-second tick (100 requests of 20 ms "take" a second), so a rate must be read from this instead.
   */
  lastResponseAt: number;
}

/** `target`, or several requests to one origin that each connection cycles through (the soak). */
function load(
  target: Request | Request[],
  connections: number,
  length: { seconds: number } | { amount: number },
  onLatency?: (ms: number) => void,
  checkBody = false,
): Promise<Loaded> {
  const only = Array.isArray(target) ? null : target;
  const cycled = Array.isArray(target) ? target : [];
  let lastResponseAt = performance.now();
  const errorCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: only ? only.url : (cycled[0] as Request).url,
        ...(only
          ? {
              method: only.method,
              ...(only.body !== undefined ? { body: only.body } : {}),
              ...(only.headers ? { headers: only.headers } : {}),
            }
          : { requests: cycled.map(({ method, body, headers }) => ({ method, body, headers })) }),
        connections,
        ...('seconds' in length ? { duration: length.seconds } : { amount: Math.max(length.amount, connections) }),
        // A GraphQL answer with errors counts as a failed request, and its errors' codes are counted.
        ...(checkBody
          ? {
              verifyBody: (body: string | Buffer | undefined) => {
                const text = String(body ?? '');
                if (!text.includes('"errors"')) return true;
                countErrorCodes(text, errorCodes);
                return false;
              },
            }
          : {}),
      },
      (error, result) => (error ? reject(error) : resolve({ result, lastResponseAt, errorCodes })),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
      lastResponseAt = performance.now();
      onLatency?.(ms);
    });
  });
}

/** Adds the codes of an answer's errors to `counts` (each distinct code once per answer). */
function countErrorCodes(text: string, counts: Record<string, number>): void {
  let codes: string[];
  try {
    const answer = JSON.parse(text) as GraphQLAnswer;
    codes = (answer.errors ?? []).map((error) => {
      const { code, provider } = error.extensions ?? {};
      return `${typeof code === 'string' ? code : 'no extensions.code'}${typeof provider === 'string' ? ` ${provider}` : ''}`;
    });
  } catch {
    codes = ['an answer that is not JSON'];
  }
  for (const code of new Set(codes)) counts[code] = (counts[code] ?? 0) + 1;
}

/**
 * One measured run of `amount` requests. Counting by requests rather than time means every request
 * has completed when the counters are read, so upstream calls and connections per request are exact.
 * A few requests first bring the target's pools back to steady state after the other target's turn.
 */
async function measure(target: Target, requestOf: Request, connections: number, amount: number, isGraph: boolean): Promise<Measured> {
  await load(requestOf, connections, { amount: connections * 3 });
  const latenciesMs: number[] = [];
  const canResetPeak = resetPeakRss(target.pid);
  const upstreamCpu = (): number => upstream.pids.reduce((sum, pid) => sum + cpuMicrosFromProc(pid), 0);
  const counted = async (): Promise<{ stats: ProcessStats; calls: number; connections: number; misses: number; upstreamCpu: number }> => ({
    stats: await processStats(target.origin),
    calls: await upstream.callsSoFar(),
    connections: await upstream.connectionsSoFar(),
    misses: await upstream.missesSoFar(),
    upstreamCpu: upstreamCpu(),
  });
  const before = await counted();
  const started = performance.now();
  let peakSampled = 0;
  const sampler = setInterval(() => {
    peakSampled = Math.max(peakSampled, rssFromProc(target.pid).rss);
  }, 100);
  const { result, lastResponseAt } = await load(requestOf, connections, { amount }, (ms) => latenciesMs.push(ms), isGraph);
  clearInterval(sampler);
  const elapsedMs = lastResponseAt - started;
  const after = await counted();
  const memory = rssFromProc(target.pid);
  return {
    completed: result.requests.total,
    elapsedMs,
    latenciesMs,
    failed: result.non2xx + result.errors + result.mismatches + result.timeouts,
    cpuMicros: after.stats.cpuMicros - before.stats.cpuMicros,
    upstreamCpuMicros: after.upstreamCpu - before.upstreamCpu,
    upstreamCalls: after.calls - before.calls,
    upstreamMisses: after.misses - before.misses,
    newConnections: after.connections - before.connections,
    rssPeakBytes: canResetPeak ? memory.peak : Math.max(peakSampled, memory.rss),
    rssAfterBytes: memory.rss,
  };
}

function combine(runs: Measured[]): Measured {
  return runs.reduce((sum, run) => ({
    completed: sum.completed + run.completed,
    elapsedMs: sum.elapsedMs + run.elapsedMs,
    latenciesMs: sum.latenciesMs.concat(run.latenciesMs),
    failed: sum.failed + run.failed,
    cpuMicros: sum.cpuMicros + run.cpuMicros,
    upstreamCpuMicros: sum.upstreamCpuMicros + run.upstreamCpuMicros,
    upstreamCalls: sum.upstreamCalls + run.upstreamCalls,
    upstreamMisses: sum.upstreamMisses + run.upstreamMisses,
    newConnections: sum.newConnections + run.newConnections,
    rssPeakBytes: Math.max(sum.rssPeakBytes, run.rssPeakBytes),
    rssAfterBytes: run.rssAfterBytes,
  }));
}

interface TargetFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  upstreamCallsPerRequest: number;
  responseBytes: number;
  rssPeakMb: number;
  rssAfterMb: number;
  newUpstreamConnectionsPer1000: number;
  requests: number;
  failed: number;
}

function figures(run: Measured, responseBytes: number): TargetFigures {
  const round = (value: number, digits: number): number => Number(value.toFixed(digits));
  const perRequest = (value: number): number => value / Math.max(1, run.completed);
  return {
    requestsPerSecond: round(run.completed / (run.elapsedMs / 1000), 1),
    p50Ms: round(percentile(run.latenciesMs, 0.5), 1),
    p99Ms: round(percentile(run.latenciesMs, 0.99), 1),
    cpuMsPerRequest: round(perRequest(run.cpuMicros) / 1000, 2),
    upstreamCallsPerRequest: round(perRequest(run.upstreamCalls), 2),
    responseBytes,
    rssPeakMb: round(run.rssPeakBytes / 2 ** 20, 0),
    rssAfterMb: round(run.rssAfterBytes / 2 ** 20, 0),
    newUpstreamConnectionsPer1000: round(perRequest(run.newConnections) * 1000, 2),
    requests: run.completed,
    failed: run.failed,
  };
}

// ---------------------------------------------------------------- scenarios

const sendTo =
  (origin: string) =>
  async (body: GraphQLBody): Promise<GraphQLAnswer> =>
    JSON.parse((await once(graphRequest(body, origin))).text) as GraphQLAnswer;
const sendToGraph = (body: GraphQLBody): Promise<GraphQLAnswer> => sendTo(graph.origin)(body);

interface Planned {
  id: string;
  name: string;
  graph: Request;
  passThrough: Request;
  upstreamCalls: UpstreamCall[];
  graphBytes: number;
  passThroughBytes: number;
  /** The same scenario prepared against the compared graph (its own cursors), when there is one. */
  comparedGraph: Request | null;
  /** The same vendor data asked of the peer (GraphQL Mesh), in the peer scenarios. */
  peer: Request | null;
  peerBytes: number;
}

/** One request through the graph, to record its upstream calls; the pass-through is then planned with the same calls. */
async function plan(id: string, name: string, body: GraphQLBody, comparedBody: GraphQLBody | null): Promise<Planned> {
  await upstream.reset();
  const probe = await once(graphRequest(body));
  const answer = JSON.parse(probe.text) as GraphQLAnswer;
  if (probe.status !== 200 || answer.errors) throw new Error(`${id}: the graph answered ${probe.status} ${JSON.stringify(answer.errors)}`);
  const calls = await upstream.calls();
  await once({ url: `${passThrough.origin}/__plan/${id}`, method: 'POST', body: JSON.stringify({ calls }) });
  const passRequest: Request = { url: `${passThrough.origin}/page/${id}`, method: 'GET' };
  const passProbe = await once(passRequest);
  if (passProbe.status !== 200) throw new Error(`${id}: the pass-through answered ${passProbe.status} ${passProbe.text}`);
  const peerBody = peer ? (scenarioById(id) as Partial<PeerScenario>).peer : undefined;
  const peerRequest = peer && peerBody ? graphRequest(peerBody, peer.origin) : null;
  const peerProbe = peerRequest ? await once(peerRequest) : null;
  if (peerProbe && (peerProbe.status !== 200 || (JSON.parse(peerProbe.text) as GraphQLAnswer).errors)) {
    throw new Error(`${id}: the peer answered ${peerProbe.status} ${peerProbe.text.slice(0, 500)}`);
  }
  return {
    id,
    name,
    graph: graphRequest(body),
    passThrough: passRequest,
    upstreamCalls: calls,
    graphBytes: Buffer.byteLength(probe.text),
    passThroughBytes: Buffer.byteLength(passProbe.text),
    comparedGraph: compared && comparedBody ? graphRequest(comparedBody, compared.origin) : null,
    peer: peerRequest,
    peerBytes: peerProbe ? Buffer.byteLength(peerProbe.text) : 0,
  };
}

interface ThroughputResult {
  id: string;
  name: string;
  /** What the targets called for vendor data in this run. */
  upstream: Upstream['kind'];
  upstreamCallsPerPage: number;
  graph: TargetFigures;
  passThrough: TargetFigures;
  ratio: { requestsPerSecond: number; p50: number; cpuPerRequest: number; responseBytes: number };
  /** Graph req/s over the pass-through's, round by round (each pair measured back to back): the spread of the ratio. */
  requestsPerSecondRatioByRound: number[];
  /**
   * CPU of the upstream's processes per round, as a share of one core (1 = a whole core): near 1 (or, for
   * per-vendor emulators, near the cores left) the upstream, not the target, set the round's rate.
   */
  upstreamCoreShareByRound: { graph: number[]; passThrough: number[] };
  /** Replay only: measured calls that found no recorded answer (and went to the emulators). */
  upstreamMisses: number;
  /** V8 heap bytes allocated per request over BENCH_ALLOCATION_REQUESTS requests (null when not measured). */
  allocation: {
    requests: number;
    graphKbPerRequest: number;
    passThroughKbPerRequest: number;
    graphCollectionMsPerRequest: number;
    /** With BENCH_COMPARE_DIR / BENCH_COMPARE_ENV: the compared graph's, counted the same way. */
    comparedKbPerRequest?: number;
  } | null;
  /** 1-minute load average when the scenario's rounds ended: req/s on a busy machine reads low. */
  loadAverage: number;
  /** With BENCH_COMPARE_DIR / BENCH_COMPARE_ENV: the other graph, and this graph's ratios to it. */
  compared?: TargetFigures;
  ratioToCompared?: { requestsPerSecond: number; cpuPerRequest: number; responseBytes: number };
  /** With BENCH_PEER: the peer (GraphQL Mesh), and the graph's ratios to it (req/s above 1: the graph serves more). */
  peer?: TargetFigures;
  ratioToPeer?: { requestsPerSecond: number; cpuPerRequest: number; responseBytes: number; requestsPerSecondByRound: number[] };
}

async function throughput(planned: Planned): Promise<ThroughputResult> {
  await upstream.reset();
  if (upstream.kind === 'emulators') await setLatency(settings.upstreamMs);
  const perRound = settings.seconds / settings.rounds;
  // Warm-up (JIT, pools, keep-alive sockets) for both targets, not measured; its rate sizes each round.
  const graphWarm = (await load(planned.graph, settings.connections, { seconds: settings.warmupSeconds })).result;
  const passWarm = (await load(planned.passThrough, settings.connections, { seconds: settings.warmupSeconds })).result;
  const amountFor = (warm: autocannon.Result): number => Math.max(settings.connections * 5, Math.round((warm.requests.total / settings.warmupSeconds) * perRound));
  const comparedRequest = planned.comparedGraph;
  const comparedWarm = comparedRequest ? (await load(comparedRequest, settings.connections, { seconds: settings.warmupSeconds })).result : null;
  const comparedBytes = comparedRequest ? Buffer.byteLength((await once(comparedRequest)).text) : Number.NaN;
  const graphRuns: Measured[] = [];
  const passRuns: Measured[] = [];
  const comparedRuns: Measured[] = [];
  const peerRequest = planned.peer;
  const peerWarm = peer && peerRequest ? (await load(peerRequest, settings.connections, { seconds: settings.warmupSeconds })).result : null;
  const peerRuns: Measured[] = [];
  const turns = ['graph', 'pass', ...(compared ? ['compared'] : []), ...(peerWarm ? ['peer'] : [])];
  for (let round = 0; round < settings.rounds; round += 1) {
    // Rotate which target goes first, so a burst of outside load does not always land on the same one.
    const order = [...turns.slice(round % turns.length), ...turns.slice(0, round % turns.length)];
    for (const which of order) {
      if (which === 'graph') graphRuns.push(await measure(graph, planned.graph, settings.connections, amountFor(graphWarm), true));
      else if (which === 'pass') passRuns.push(await measure(passThrough, planned.passThrough, settings.connections, amountFor(passWarm), false));
      else if (which === 'peer' && peer && peerRequest && peerWarm) {
        peerRuns.push(await measure(peer, peerRequest, settings.connections, amountFor(peerWarm), true));
      } else if (compared && comparedRequest && comparedWarm) {
        comparedRuns.push(await measure(compared, comparedRequest, settings.connections, amountFor(comparedWarm), true));
      }
    }
  }
  const graphFigures = figures(combine(graphRuns), planned.graphBytes);
  const passFigures = figures(combine(passRuns), planned.passThroughBytes);
  const ratio = (a: number, b: number): number => Number((a / b).toFixed(2));
  const coreShare = (run: Measured): number => Number((run.upstreamCpuMicros / (run.elapsedMs * 1000)).toFixed(2));
  const loadAverage = Number((loadavg()[0] ?? 0).toFixed(1));
  const allocation = settings.allocationRequests > 0 ? await allocationPerRequest(planned) : null;
  return {
    id: planned.id,
    name: planned.name,
    upstream: upstream.kind,
    upstreamCoreShareByRound: { graph: graphRuns.map(coreShare), passThrough: passRuns.map(coreShare) },
    upstreamMisses: [...graphRuns, ...passRuns].reduce((sum, run) => sum + run.upstreamMisses, 0),
    allocation,
    loadAverage,
    upstreamCallsPerPage: planned.upstreamCalls.length,
    graph: graphFigures,
    passThrough: passFigures,
    ratio: {
      requestsPerSecond: ratio(graphFigures.requestsPerSecond, passFigures.requestsPerSecond),
      p50: ratio(graphFigures.p50Ms, passFigures.p50Ms),
      cpuPerRequest: ratio(graphFigures.cpuMsPerRequest, passFigures.cpuMsPerRequest),
      responseBytes: ratio(graphFigures.responseBytes, passFigures.responseBytes),
    },
    requestsPerSecondRatioByRound: graphRuns.map((run, index) => {
      const pass = passRuns[index] as Measured;
      return ratio(run.completed / run.elapsedMs, pass.completed / pass.elapsedMs);
    }),
    ...(comparedRuns.length > 0 ? comparedFigures(comparedRuns, comparedBytes, graphFigures) : {}),
    ...(peerRuns.length > 0 ? peerFigures(peerRuns, planned.peerBytes, graphFigures, graphRuns) : {}),
  };
}

/** Heap bytes each target allocates per request, counted over a fixed number of requests (bench/child.ts). */
async function allocationPerRequest(planned: Planned): Promise<NonNullable<ThroughputResult['allocation']>> {
  const count = async (target: Target, requestOf: Request): Promise<{ perRequest: number; collectionMsPerRequest: number }> => {
    await once({ url: `${target.origin}${ALLOCATION_PATH}?start`, method: 'GET' });
    const { result } = await load(requestOf, settings.connections, { amount: settings.allocationRequests });
    const stats = JSON.parse((await once({ url: `${target.origin}${ALLOCATION_PATH}?stop`, method: 'GET' })).text) as AllocationStats;
    const completed = Math.max(1, result.requests.total);
    return { perRequest: stats.allocatedBytes / completed, collectionMsPerRequest: stats.collectionMs / completed };
  };
  const graphAllocation = await count(graph, planned.graph);
  const passAllocation = await count(passThrough, planned.passThrough);
  const comparedAllocation = compared && planned.comparedGraph ? await count(compared, planned.comparedGraph) : null;
  return {
    requests: settings.allocationRequests,
    graphKbPerRequest: Math.round(graphAllocation.perRequest / 1024),
    passThroughKbPerRequest: Math.round(passAllocation.perRequest / 1024),
    graphCollectionMsPerRequest: Number(graphAllocation.collectionMsPerRequest.toFixed(2)),
    ...(comparedAllocation ? { comparedKbPerRequest: Math.round(comparedAllocation.perRequest / 1024) } : {}),
  };
}

function peerFigures(runs: Measured[], bytes: number, graphFigures: TargetFigures, graphRuns: Measured[]): Pick<ThroughputResult, 'peer' | 'ratioToPeer'> {
  const other = figures(combine(runs), bytes);
  const ratio = (a: number, b: number): number => Number((a / b).toFixed(2));
  return {
    peer: other,
    ratioToPeer: {
      requestsPerSecond: ratio(graphFigures.requestsPerSecond, other.requestsPerSecond),
      cpuPerRequest: ratio(graphFigures.cpuMsPerRequest, other.cpuMsPerRequest),
      responseBytes: ratio(graphFigures.responseBytes, other.responseBytes),
      requestsPerSecondByRound: graphRuns.map((run, index) => {
        const peerRun = runs[index] as Measured;
        return ratio(run.completed / run.elapsedMs, peerRun.completed / peerRun.elapsedMs);
      }),
    },
  };
}

function comparedFigures(runs: Measured[], bytes: number, graphFigures: TargetFigures): Pick<ThroughputResult, 'compared' | 'ratioToCompared'> {
  const other = figures(combine(runs), bytes);
  const ratio = (a: number, b: number): number => Number((a / b).toFixed(2));
  return {
    compared: other,
    ratioToCompared: {
      requestsPerSecond: ratio(graphFigures.requestsPerSecond, other.requestsPerSecond),
      cpuPerRequest: ratio(graphFigures.cpuMsPerRequest, other.cpuMsPerRequest),
      responseBytes: ratio(graphFigures.responseBytes, other.responseBytes),
    },
  };
}

async function sequentialLatencies(samples: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let warm = 0; warm < 3; warm += 1) await run();
  const latencies: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    const started = performance.now();
    await run();
    latencies.push(performance.now() - started);
  }
  return latencies;
}

interface LatencyResult {
  id: string;
  vendorLatencyMs: number;
  /** p50 of each vendor's share of the page's GETs, made at once and directly (no server in between). */
  vendorP50Ms: Record<string, number>;
  slowestVendorP50Ms: number;
  /**
   * p50 of all the page's GETs made at once, directly: the wait of a graph that cost nothing. It is above
   * the slowest vendor's own share: two cores serve every emulator, and the client parses every body.
   */
  allCallsAtOnceP50Ms: number;
  graphP50Ms: number;
  passThroughP50Ms: number;
  graphToSlowestVendor: number;
  passThroughToSlowestVendor: number;
  graphToAllCallsAtOnce: number;
  passThroughToAllCallsAtOnce: number;
  /**
   * What the graph itself adds, in ms and as a share of the slowest vendor: graph p50 minus all calls at once.
   * With vendors on their own machines (no shared cores), all calls at once take as long as the slowest vendor.
   */
  graphAddsMs: number;
  graphAddsShareOfSlowestVendor: number;
  /**
   * Read inside each target (bench/critical-path.ts) over the same samples: its own time before its last vendor
   * call leaves and after its last answer is read, which the hop, the client and the emulators are not part of.
   */
  criticalPath: { graph: CriticalPathStats; passThrough: CriticalPathStats };
}

function criticalPathLine(path: CriticalPathStats): string {
  return `own time ${path.ownMs} ms = ${path.toLastCallMs} to the last of ${path.vendorCalls} calls + ${path.afterLastAnswerMs} after the last answer`;
}

/** `run`'s samples (sequentialLatencies), with the target's own critical path recorded over them. */
async function samplesWithCriticalPath(target: Target, run: () => Promise<unknown>): Promise<{ latencies: number[]; criticalPath: CriticalPathStats }> {
  await once({ url: `${target.origin}${CRITICAL_PATH_PATH}?start`, method: 'GET' });
  const latencies = await sequentialLatencies(settings.latencySamples, run);
  const criticalPath = JSON.parse((await once({ url: `${target.origin}${CRITICAL_PATH_PATH}?stop`, method: 'GET' })).text) as CriticalPathStats;
  return { latencies, criticalPath };
}

/** One connection, vendors at a fixed latency: how much the graph adds to the slowest vendor's answer. */
async function latencyAtOneConnection(planned: Planned): Promise<LatencyResult> {
  await control('reset', {});
  await control('latency', { fixedMs: settings.latencyScenarioMs, jitterMs: 0 });
  const byOrigin = new Map<string, UpstreamCall[]>();
  for (const call of planned.upstreamCalls) {
    const origin = new URL(call.url).origin;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), call]);
  }
  const direct = (call: UpstreamCall): Promise<unknown> =>
    request(call.url, {
      method: call.method,
      headers: callHeaders(call, vendorHeaders.get(new URL(call.url).origin)),
      ...(call.method === 'POST' ? { body: call.body } : {}),
    }).then(async (response) => JSON.parse(await response.body.text()) as unknown);
  const vendorP50Ms: Record<string, number> = {};
  for (const [origin, urls] of byOrigin) {
    const provider = configuredProviders(config).find((candidate) => new URL(config.vendorConfigs[candidate]!.baseUrl).origin === origin) ?? origin;
    const latencies = await sequentialLatencies(settings.latencySamples, () => Promise.all(urls.map(direct)));
    vendorP50Ms[provider] = Number(percentile(latencies, 0.5).toFixed(1));
  }
  const slowest = Math.max(...Object.values(vendorP50Ms));
  const allAtOnce = percentile(await sequentialLatencies(settings.latencySamples, () => Promise.all(planned.upstreamCalls.map(direct))), 0.5);
  const graphSamples = await samplesWithCriticalPath(graph, () => once(planned.graph));
  const passSamples = await samplesWithCriticalPath(passThrough, () => once(planned.passThrough));
  const graphP50 = percentile(graphSamples.latencies, 0.5);
  const passP50 = percentile(passSamples.latencies, 0.5);
  await control('reset', {});
  return {
    id: planned.id,
    vendorLatencyMs: settings.latencyScenarioMs,
    vendorP50Ms,
    slowestVendorP50Ms: slowest,
    allCallsAtOnceP50Ms: Number(allAtOnce.toFixed(1)),
    graphP50Ms: Number(graphP50.toFixed(1)),
    passThroughP50Ms: Number(passP50.toFixed(1)),
    graphToSlowestVendor: Number((graphP50 / slowest).toFixed(2)),
    passThroughToSlowestVendor: Number((passP50 / slowest).toFixed(2)),
    graphToAllCallsAtOnce: Number((graphP50 / allAtOnce).toFixed(2)),
    passThroughToAllCallsAtOnce: Number((passP50 / allAtOnce).toFixed(2)),
    graphAddsMs: Number((graphP50 - allAtOnce).toFixed(1)),
    graphAddsShareOfSlowestVendor: Number(((graphP50 - allAtOnce) / slowest).toFixed(3)),
    criticalPath: { graph: graphSamples.criticalPath, passThrough: passSamples.criticalPath },
  };
}

interface CoalescingResult {
  connections: number;
  /** Same page, every client: the graph with UPSTREAM_COALESCE=true and with false. */
  coalescing: TargetFigures;
  separate: TargetFigures;
  upstreamCallsSaved: number;
  requestsPerSecondRatio: number;
}

/** Many clients opening the same inbox page at once: what coalescing identical upstream calls saves. */
async function coalescingScenario(planned: Planned): Promise<CoalescingResult> {
  const coalescingGraph = await startTarget(scripts.graph, { ...targetEnv, UPSTREAM_COALESCE: 'true' }, scripts.graphNodeFlags);
  try {
    await control('reset', {});
    await setLatency(settings.upstreamMs);
    const body = JSON.parse(planned.graph.body as string) as GraphQLBody;
    const shared = graphRequest(body, coalescingGraph.origin);
    const connections = settings.coalesceConnections;
    const perRound = settings.seconds / settings.rounds;
    const sharedWarm = (await load(shared, connections, { seconds: settings.warmupSeconds })).result;
    const separateWarm = (await load(planned.graph, connections, { seconds: settings.warmupSeconds })).result;
    const amountFor = (warm: autocannon.Result): number => Math.max(connections * 3, Math.round((warm.requests.total / settings.warmupSeconds) * perRound));
    const sharedRuns: Measured[] = [];
    const separateRuns: Measured[] = [];
    for (let round = 0; round < settings.rounds; round += 1) {
      const order = round % 2 === 0 ? (['shared', 'separate'] as const) : (['separate', 'shared'] as const);
      for (const which of order) {
        if (which === 'shared') sharedRuns.push(await measure(coalescingGraph, shared, connections, amountFor(sharedWarm), true));
        else separateRuns.push(await measure(graph, planned.graph, connections, amountFor(separateWarm), true));
      }
    }
    const coalescing = figures(combine(sharedRuns), planned.graphBytes);
    const separate = figures(combine(separateRuns), planned.graphBytes);
    return {
      connections,
      coalescing,
      separate,
      upstreamCallsSaved: Number((1 - coalescing.upstreamCallsPerRequest / separate.upstreamCallsPerRequest).toFixed(2)),
      requestsPerSecondRatio: Number((coalescing.requestsPerSecond / separate.requestsPerSecond).toFixed(2)),
    };
  } finally {
    await stopChild(coalescingGraph.child);
  }
}

interface SoakCheckpoint {
  requests: number;
  requestsPerSecond: number;
  /** Since the previous checkpoint: answers with errors, non-2xx, socket errors and timeouts (the soak stops at any). */
  failed: number;
  /** What failed since the previous checkpoint, by the errors' `extensions.code` (and provider), `HTTP <status>`, `socket errors`, `timeouts`. */
  failures: Record<string, number>;
  /** Replay only: calls since the previous checkpoint that found nothing recorded (and went to the emulators). */
  upstreamMisses: number;
  /** After a full collection (the target runs with --expose-gc). */
  rssMb: number;
  heapUsedMb: number;
  rssPeakMb: number;
}

interface SoakResult {
  /** The scenarios whose requests every connection cycled through. */
  scenarios: string[];
  upstream: Upstream['kind'];
  checkpoints: SoakCheckpoint[];
  /** From the first checkpoint (10,000 requests) to the last. */
  rssGrowthMb: number;
  heapUsedGrowthMb: number;
}

/** The soak runs against the emulators when BENCH_UPSTREAMS lists them (as `npm run bench:soak` does), else against the replay. */
const soakUpstream: Upstream['kind'] = settings.upstreams.includes('emulators') ? 'emulators' : 'replay';

/** What failed in one load, by cause: the errors' codes of the answers with errors, HTTP statuses, socket errors, timeouts. */
function failuresOf({ result, errorCodes }: Loaded): Record<string, number> {
  const failures: Record<string, number> = { ...errorCodes };
  const byStatus = (result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  for (const [status, { count }] of Object.entries(byStatus)) if (!status.startsWith('2')) failures[`HTTP ${status}`] = count;
  if (result.errors > 0) failures['socket errors'] = result.errors;
  if (result.timeouts > 0) failures.timeouts = result.timeouts;
  return failures;
}

/**
 * A fresh graph under `settings.soakRequests` requests cycling through the planned scenarios: does memory grow?
 * Every request must succeed: a failing request allocates and keeps less than a served one, so a soak of
 * failures would measure nothing. At the first checkpoint with a failure it stops with the failures by code.
 */
async function soak(plans: Planned[]): Promise<SoakResult> {
  const soakGraph = await startTarget(scripts.graph, { ...targetEnv, UPSTREAM_COALESCE: 'false' }, [...scripts.graphNodeFlags, '--expose-gc']);
  try {
    await upstream.reset();
    if (upstream.kind === 'emulators') await setLatency(settings.upstreamMs);
    const url = `${soakGraph.origin}/graphql`;
    const requests = plans.map((planned) => ({ ...planned.graph, url }));
    const marks = [10_000, 25_000, 50_000, 100_000, settings.soakRequests].filter((mark, index, all) => mark <= settings.soakRequests && all.indexOf(mark) === index);
    const checkpoints: SoakCheckpoint[] = [];
    let done = 0;
    for (const mark of marks) {
      const started = performance.now();
      const missesBefore = await upstream.missesSoFar();
      const loaded = await load(requests, settings.connections, { amount: mark - done }, undefined, true);
      const { result, lastResponseAt } = loaded;
      const elapsedSeconds = (lastResponseAt - started) / 1000;
      const from = done;
      done = mark;
      const stats = await processStats(soakGraph.origin, true);
      const memory = rssFromProc(soakGraph.pid);
      const failed = result.non2xx + result.errors + result.mismatches + result.timeouts;
      checkpoints.push({
        requests: done,
        requestsPerSecond: Number((result.requests.total / elapsedSeconds).toFixed(1)),
        failed,
        failures: failuresOf(loaded),
        upstreamMisses: (await upstream.missesSoFar()) - missesBefore,
        rssMb: Number((memory.rss / 2 ** 20).toFixed(0)),
        heapUsedMb: Number((stats.heapUsedBytes / 2 ** 20).toFixed(1)),
        rssPeakMb: Number((memory.peak / 2 ** 20).toFixed(0)),
      });
      const checkpoint = checkpoints[checkpoints.length - 1] as SoakCheckpoint;
      console.log(`soak: ${JSON.stringify(checkpoint)}`);
      if (failed > 0) {
        throw new Error(
          `soak: ${failed} of the ${result.requests.total} requests from ${from} to ${done} failed (${JSON.stringify(checkpoint.failures)}); ` +
            'the memory of failing requests says nothing of the graph\'s, so the soak stops here',
        );
      }
    }
    const first = checkpoints[0] as SoakCheckpoint;
    const last = checkpoints[checkpoints.length - 1] as SoakCheckpoint;
    return {
      scenarios: plans.map((planned) => planned.id),
      upstream: upstream.kind,
      checkpoints,
      rssGrowthMb: last.rssMb - first.rssMb,
      heapUsedGrowthMb: Number((last.heapUsedMb - first.heapUsedMb).toFixed(1)),
    };
  } finally {
    await stopChild(soakGraph.child);
  }
}

// ---------------------------------------------------------------- run

const startedAt = new Date();
const loadBefore = loadavg();
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadBefore.map((value) => value.toFixed(1)).join(' ')}; ` +
    `${settings.seconds}s per target and scenario in ${settings.rounds} alternating rounds (+${settings.warmupSeconds}s warm-up), ` +
    `${settings.connections} connections; upstreams ${settings.upstreams.join(' then ')}; emulator latency ${settings.upstreamMs} ms, ` +
    `emulators ${settings.emulators === 'shared' ? 'in one process' : 'one process per vendor'}`,
);

const throughputResults: ThroughputResult[] = [];
let latencyResult: LatencyResult | null = null;
let coalescingResult: CoalescingResult | null = null;
let soakResult: SoakResult | null = null;
const plans: Planned[] = [];
const replay = settings.upstreams.includes('replay') ? await startReplay() : null;
try {
  for (const kind of settings.upstreams) {
    await startTargets(kind === 'replay' && replay ? replay : emulatorUpstream);
    try {
      for (const scenario of settings.scenarios) {
        // Replay: whatever preparing and planning the scenario asks of the emulators is recorded, then only replayed.
        await upstream.setMode('record');
        const body = await scenario.prepare(sendToGraph);
        const comparedBody = compared ? await scenario.prepare(sendTo(compared.origin)) : null;
        const planned = await plan(scenario.id, scenario.name, body, comparedBody);
        if (compared && planned.comparedGraph) await once(planned.comparedGraph);
        await upstream.setMode('replay');
        if (kind === soakUpstream) plans.push(planned);
        const result = await throughput(planned);
        throughputResults.push(result);
        const shares = [...result.upstreamCoreShareByRound.graph, ...result.upstreamCoreShareByRound.passThrough];
        console.log(
          `${kind} ${scenario.id}: CPU ms/req graph ${result.graph.cpuMsPerRequest}, pass-through ${result.passThrough.cpuMsPerRequest} (ratio ${result.ratio.cpuPerRequest}); ` +
            (result.allocation ? `allocated ${result.allocation.graphKbPerRequest} / ${result.allocation.passThroughKbPerRequest} KB/req; ` : '') +
            `graph ${result.graph.requestsPerSecond} req/s, pass-through ${result.passThrough.requestsPerSecond} req/s ` +
            `(ratio ${result.ratio.requestsPerSecond}; by round ${result.requestsPerSecondRatioByRound.join(', ')}; load ${result.loadAverage}); ` +
            `upstream core share ${Math.min(...shares)}–${Math.max(...shares)}; graph p50 ${result.graph.p50Ms} ms, ` +
            `${result.graph.responseBytes} B, ${result.upstreamCallsPerPage} upstream calls` +
            (kind === 'replay' ? `, ${result.upstreamMisses} replay misses` : ''),
        );
        if (result.peer && result.ratioToPeer) {
          console.log(
            `${scenario.id}: Mesh ${result.peer.requestsPerSecond} req/s, ${result.peer.cpuMsPerRequest} CPU ms/req, ${result.peer.upstreamCallsPerRequest} upstream calls; ` +
              `graph / Mesh: ${result.ratioToPeer.requestsPerSecond}× req/s (by round ${result.ratioToPeer.requestsPerSecondByRound.join(', ')}), ${result.ratioToPeer.cpuPerRequest}× CPU per request`,
          );
        }
        if (result.compared && result.ratioToCompared) {
          console.log(
            `${scenario.id}: compared graph ${result.compared.requestsPerSecond} req/s, ${result.compared.cpuMsPerRequest} CPU ms/req; ` +
              `this graph / compared: ${result.ratioToCompared.requestsPerSecond}× req/s, ${result.ratioToCompared.cpuPerRequest}× CPU per request` +
              (result.allocation?.comparedKbPerRequest !== undefined ? `; allocated ${result.allocation.graphKbPerRequest} / ${result.allocation.comparedKbPerRequest} KB/req` : ''),
          );
        }
        if (scenario.id === 'merged-20' && kind === 'emulators') {
          latencyResult = await latencyAtOneConnection(planned);
          console.log(
            `merged-20 at 1 connection, vendors at ${settings.latencyScenarioMs} ms: graph p50 ${latencyResult.graphP50Ms} ms = ` +
              `${latencyResult.graphToSlowestVendor}× the slowest vendor (${latencyResult.slowestVendorP50Ms} ms); pass-through ${latencyResult.passThroughToSlowestVendor}×; ` +
              `all the page's calls at once, direct: ${latencyResult.allCallsAtOnceP50Ms} ms (graph ${latencyResult.graphToAllCallsAtOnce}×, pass-through ${latencyResult.passThroughToAllCallsAtOnce}×); ` +
              `the graph adds ${latencyResult.graphAddsMs} ms = ${(latencyResult.graphAddsShareOfSlowestVendor * 100).toFixed(1)} % of the slowest vendor; ` +
              `inside each process: ${criticalPathLine(latencyResult.criticalPath.graph)} (pass-through ${criticalPathLine(latencyResult.criticalPath.passThrough)})`,
          );
          if (settings.coalesceConnections > 0) {
            coalescingResult = await coalescingScenario(planned);
            console.log(
              `merged-20, ${coalescingResult.connections} clients on the same page: ${coalescingResult.coalescing.upstreamCallsPerRequest} upstream calls per request ` +
                `coalesced vs ${coalescingResult.separate.upstreamCallsPerRequest} without; ${coalescingResult.coalescing.requestsPerSecond} vs ` +
                `${coalescingResult.separate.requestsPerSecond} req/s`,
            );
          }
        }
      }
      if (kind === soakUpstream && settings.soakRequests > 0) soakResult = await soak(plans);
    } finally {
      await stopTargets();
    }
  }
} finally {
  await replay?.stop();
  await Promise.all(emulatorChildren.map(stopChild));
}

const loadAfter = loadavg();
const report = {
  startedAt: startedAt.toISOString(),
  node: process.version,
  cores: cpus().length,
  loadAverageBefore: loadBefore,
  loadAverageAfter: loadAfter,
  settings: { ...settings, scenarios: settings.scenarios.map((scenario) => scenario.id) },
  throughput: throughputResults,
  latencyAtOneConnection: latencyResult,
  coalescing: coalescingResult,
  soak: soakResult,
};
mkdirSync(dirname(settings.out), { recursive: true });
writeFileSync(settings.out, `${JSON.stringify(report, null, 2)}\n`);

const spread = (values: number[]): string => (values.length === 0 ? '–' : `${Math.min(...values)}–${Math.max(...values)}`);
const percentSpread = (values: number[]): string =>
  values.length === 0 ? '–' : `${Math.round(Math.min(...values) * 100)}–${Math.round(Math.max(...values) * 100)} %`;

/** CPU first: the figure the upstream and a busy machine cannot bend. */
function table(kind: Upstream['kind']): string[] {
  const results = throughputResults.filter((result) => result.upstream === kind);
  if (results.length === 0) return [];
  return [
    kind === 'replay'
      ? '\nAgainst the replay server (the emulators\' answers recorded once, served byte for byte):\n'
      : '\nAgainst the emulators themselves:\n',
    '| scenario | CPU ms per request graph / pass | **CPU ratio** | allocated KB per request graph / pass | req/s graph / pass | req/s ratio (rounds) | load avg | upstream CPU, share of a core per round (graph / pass rounds) | p50 graph / pass (ms) | p99 graph / pass (ms) | upstream calls per request | response bytes graph / pass | graph RSS peak / after (MB) | new upstream connections per 1,000 requests |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (result) =>
        `| ${result.name} | ${result.graph.cpuMsPerRequest} / ${result.passThrough.cpuMsPerRequest} | **${result.ratio.cpuPerRequest}×** | ` +
        `${result.allocation ? `${result.allocation.graphKbPerRequest} / ${result.allocation.passThroughKbPerRequest}` : '–'} | ` +
        `${result.graph.requestsPerSecond} / ${result.passThrough.requestsPerSecond} | ${result.ratio.requestsPerSecond}× (${spread(result.requestsPerSecondRatioByRound)}) | ${result.loadAverage} | ` +
        `${percentSpread(result.upstreamCoreShareByRound.graph)} / ${percentSpread(result.upstreamCoreShareByRound.passThrough)}${result.upstreamMisses > 0 ? ` (${result.upstreamMisses} misses)` : ''} | ` +
        `${result.graph.p50Ms} / ${result.passThrough.p50Ms} | ${result.graph.p99Ms} / ${result.passThrough.p99Ms} | ${result.graph.upstreamCallsPerRequest} | ` +
        `${result.graph.responseBytes} / ${result.passThrough.responseBytes} | ${result.graph.rssPeakMb} / ${result.graph.rssAfterMb} | ` +
        `${result.graph.newUpstreamConnectionsPer1000} |`,
    ),
  ];
}
function peerTable(): string[] {
  const results = throughputResults.filter((result) => result.peer && result.ratioToPeer);
  if (results.length === 0) return [];
  return [
    '\nThe graph beside GraphQL Mesh (Hive Gateway over the vendors\' OpenAPI descriptions, bench/peers/), same upstream:\n',
    '| scenario | upstream | req/s graph / Mesh | **graph / Mesh req/s** (rounds) | load avg | CPU ms per request graph / Mesh | p50 graph / Mesh (ms) | upstream calls per request graph / Mesh | response bytes graph / Mesh |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((result) => {
      const mesh = result.peer as TargetFigures;
      const ratio = result.ratioToPeer as NonNullable<ThroughputResult['ratioToPeer']>;
      return (
        `| ${result.name} | ${result.upstream} | ${result.graph.requestsPerSecond} / ${mesh.requestsPerSecond} | **${ratio.requestsPerSecond}×** (${spread(ratio.requestsPerSecondByRound)}) | ${result.loadAverage} | ` +
        `${result.graph.cpuMsPerRequest} / ${mesh.cpuMsPerRequest} | ${result.graph.p50Ms} / ${mesh.p50Ms} | ${result.graph.upstreamCallsPerRequest} / ${mesh.upstreamCallsPerRequest} | ` +
        `${result.graph.responseBytes} / ${mesh.responseBytes} |`
      );
    }),
  ];
}
console.log([...table('replay'), ...table('emulators'), ...peerTable()].join('\n'));
if (latencyResult) {
  console.log(
    `\nOne connection, every vendor at ${latencyResult.vendorLatencyMs} ms, merged first 20: graph p50 ${latencyResult.graphP50Ms} ms, ` +
      `slowest vendor ${latencyResult.slowestVendorP50Ms} ms → **${latencyResult.graphToSlowestVendor}×** (pass-through ${latencyResult.passThroughToSlowestVendor}×); ` +
      `all the page's calls at once, made directly: ${latencyResult.allCallsAtOnceP50Ms} ms → graph **${latencyResult.graphToAllCallsAtOnce}×** (pass-through ${latencyResult.passThroughToAllCallsAtOnce}×); ` +
      `the graph's own time on top: ${latencyResult.graphAddsMs} ms = ${(latencyResult.graphAddsShareOfSlowestVendor * 100).toFixed(1)} % of the slowest vendor.`,
  );
  const { graph: graphPath, passThrough: passPath } = latencyResult.criticalPath;
  console.log(
    `Inside each process, medians over the ${graphPath.requests} / ${passPath.requests} samples (ms; graph / pass-through): to the first vendor call written ${graphPath.toFirstCallMs} / ${passPath.toFirstCallMs}, ` +
      `to the last ${graphPath.toLastCallMs} / ${passPath.toLastCallMs}, after the last answer read ${graphPath.afterLastAnswerMs} / ${passPath.afterLastAnswerMs}: ` +
      `**own time on the page's path ${graphPath.ownMs} / ${passPath.ownMs}** (${graphPath.vendorCalls} / ${passPath.vendorCalls} calls; receipt to response ${graphPath.totalMs} / ${passPath.totalMs}).`,
  );
}
if (coalescingResult) {
  const { connections, coalescing, separate } = coalescingResult;
  console.log(
    `\n${connections} clients on the same inbox page (merged first 20): with coalescing ${coalescing.requestsPerSecond} req/s, ` +
      `${coalescing.upstreamCallsPerRequest} upstream calls per request, p50 ${coalescing.p50Ms} ms, ${coalescing.cpuMsPerRequest} CPU ms/req; without ` +
      `${separate.requestsPerSecond} req/s, ${separate.upstreamCallsPerRequest} upstream calls per request, p50 ${separate.p50Ms} ms, ${separate.cpuMsPerRequest} CPU ms/req.`,
  );
}
if (soakResult) {
  const first = soakResult.checkpoints[0] as SoakCheckpoint;
  const last = soakResult.checkpoints[soakResult.checkpoints.length - 1] as SoakCheckpoint;
  console.log(
    `\nSoak (${soakResult.scenarios.join(' + ')}, a fresh graph, against the ${soakResult.upstream === 'replay' ? 'replay server' : 'emulators'}): after ${first.requests} requests RSS ${first.rssMb} MB, heap ${first.heapUsedMb} MB; ` +
      `after ${last.requests} RSS ${last.rssMb} MB, heap ${last.heapUsedMb} MB (growth ${soakResult.rssGrowthMb} MB RSS, ${soakResult.heapUsedGrowthMb} MB heap); ` +
      `RSS peak ${Math.max(...soakResult.checkpoints.map((checkpoint) => checkpoint.rssPeakMb))} MB; ` +
      `${soakResult.checkpoints.reduce((sum, checkpoint) => sum + checkpoint.failed, 0)} failed.`,
  );
}
const failures = throughputResults.filter((result) => result.graph.failed > 0 || result.passThrough.failed > 0 || (result.peer?.failed ?? 0) > 0);
for (const result of failures) {
  console.log(`warning: ${result.upstream} ${result.id}: ${result.graph.failed} graph and ${result.passThrough.failed} pass-through requests failed`);
}
const missed = throughputResults.filter((result) => result.upstreamMisses > 0);
for (const result of missed) console.log(`warning: replay ${result.id}: ${result.upstreamMisses} calls found nothing recorded and went to the emulators`);
console.log(`\nload average after: ${loadAfter.map((value) => value.toFixed(1)).join(' ')}; JSON: ${settings.out}`);
