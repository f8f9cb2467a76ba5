import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamCall } from '../bench/child.js';
import { startReplayServer, type ReplayCounters, type ReplayServer } from '../bench/replay.js';
import { SCENARIOS } from '../bench/scenarios.js';
import { loadConfig } from '../src/config.js';
import { startEmulators, type EmulatorSet } from '../src/emulators/index.js';
import { createGraph, type Graph } from '../src/yoga.js';

/**
 * The bench's replay upstream (bench/replay.ts): once recorded, it answers a target's calls byte for byte
 * as the emulators did, without calling them, so the bench's requests/s ratios measure the targets alone.
 */

let emulators: EmulatorSet;
let replay: ReplayServer;
let graph: Graph;
let control: string;

beforeAll(async () => {
  emulators = await startEmulators({ seed: 7 });
  const emulatorOrigins = [...new Set(Object.entries(emulators.env).filter(([key]) => key.endsWith('_BASE_URL')).map(([, value]) => new URL(value).origin))];
  replay = await startReplayServer(emulatorOrigins);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(emulators.env)) {
    const origin = key.endsWith('_BASE_URL') ? replay.origins.get(new URL(value).origin) : undefined;
    env[key] = origin ? origin + value.slice(new URL(value).origin.length) : value;
  }
  graph = createGraph(loadConfig({ ...env, UPSTREAM_COALESCE: 'false' }));
  control = `${[...replay.origins.values()][0]}/__replay/`;
});
afterAll(async () => {
  await graph?.close();
  await replay?.close();
  await emulators?.close();
});

const emulatorCalls = (): number => Object.values(emulators.emulators).reduce((sum, emulator) => sum + emulator.requestLog.length, 0);
const post = async (path: string, body: unknown): Promise<void> => {
  await (await request(control + path, { method: 'POST', body: JSON.stringify(body) })).body.text();
};
const counters = async (): Promise<ReplayCounters> => (await (await request(control + 'counters')).body.json()) as ReplayCounters;

async function ask(body: unknown): Promise<string> {
  const response = await graph.yoga.fetch('http://graph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return response.text();
}

describe('bench replay upstream', () => {
  it('replays a page that follows a vendor\'s own next links (they name the replay, not the emulator)', async () => {
    const scenario = SCENARIOS.find((candidate) => candidate.id === 'merged-100')!;
    const body = await scenario.prepare(async (query) => JSON.parse(await ask(query)) as never);
    await post('mode', { mode: 'record' });
    const recorded = await ask(body);
    expect(JSON.parse(recorded).errors).toBeUndefined();
    await post('mode', { mode: 'replay' });
    await post('reset', {});
    expect(await ask(body)).toBe(recorded);
    expect((await counters()).misses).toBe(0);
  });

  it('serves what it recorded byte for byte, without calling the emulators, and counts calls and misses', async () => {
    await post('mode', { mode: 'record' });
    const body = await SCENARIOS[0]!.prepare(async (query) => JSON.parse(await ask(query)) as never);
    await post('mode', { mode: 'record' });
    await post('reset', {});
    const recorded = await ask(body);
    expect(JSON.parse(recorded).errors).toBeUndefined();
    const calls = (await counters()).calls;
    expect(calls).toBeGreaterThan(0);
    const logged = (await (await request(control + 'log')).body.json()) as UpstreamCall[];
    expect(logged).toHaveLength(calls);
    // A vendor's search is a POST: logged with its body, so the pass-through and the latency probe send it as it was.
    for (const call of logged) expect(call.method === 'POST' ? call.body.length > 0 : call.body === '').toBe(true);
    const urls = logged.filter((call) => call.method === 'GET').map((call) => call.url);

    await post('mode', { mode: 'replay' });
    await post('reset', {});
    for (const emulator of Object.values(emulators.emulators)) emulator.reset();
    const replayed = await ask(body);
    expect(replayed).toBe(recorded);
    expect(emulatorCalls()).toBe(0);
    expect(await counters()).toMatchObject({ calls, misses: 0 });

    // Keyed by method, URL and body: the same call again is the same bytes; a call never recorded is proxied and counted.
    const url = urls[0] as string;
    const first = Buffer.from(await (await request(url)).body.arrayBuffer());
    const again = await request(url);
    const againBytes = Buffer.from(await again.body.arrayBuffer());
    expect(againBytes.equals(first)).toBe(true);
    expect(Number(again.headers['content-length'])).toBe(againBytes.length);
    expect(emulatorCalls()).toBe(0);
    const unseen = `${url}${url.includes('?') ? '&' : '?'}bench-replay-test=1`;
    await (await request(unseen)).body.text();
    expect(emulatorCalls()).toBe(1);
    expect((await counters()).misses).toBe(1);
  });
});
