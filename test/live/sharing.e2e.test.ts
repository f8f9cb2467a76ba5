import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import type { Emulator } from '../../src/emulators/framework.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { collect, metricValue, okPolls, type Collected } from '../support/live.js';

/**
 * Ten subscribers cost the vendors what one does: one poller per vendor (and pushed-down filter) for the
 * whole process, counted at the emulators themselves.
 */

const POLL_MS = 100;
const WINDOW_POLLS = 10;

let graph: TestGraph;
let providers: Provider[];
beforeAll(async () => {
  graph = await startTestGraph({ env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
  providers = [...graph.graph.adapters.keys()];
});
afterAll(async () => {
  await graph.close();
});

const registry = () => graph.graph.observability.registry;
const emulatorOf = (provider: Provider): Emulator => graph.emulators.emulators[provider] as Emulator;

/** Vendor requests per poll of each provider over WINDOW_POLLS polls, read at the emulators (what the vendors would bill). */
async function requestsPerPoll(): Promise<Record<string, { requests: number; polls: number }>> {
  // The first poll of every feed is done (its head is known) before counting starts.
  await vi.waitFor(async () => {
    for (const provider of providers) expect(await okPolls(registry(), provider)).toBeGreaterThanOrEqual(1);
  }, { interval: 10, timeout: 10_000 });
  const start = Object.fromEntries(await Promise.all(providers.map(async (provider) => [provider, await okPolls(registry(), provider)] as const)));
  const logStart = Object.fromEntries(providers.map((provider) => [provider, emulatorOf(provider).requestLog.length]));
  await vi.waitFor(async () => {
    for (const provider of providers) expect(await okPolls(registry(), provider)).toBeGreaterThanOrEqual((start[provider] as number) + WINDOW_POLLS);
  }, { interval: 5, timeout: 30_000 });
  const result: Record<string, { requests: number; polls: number }> = {};
  for (const provider of providers) {
    result[provider] = {
      requests: emulatorOf(provider).requestLog.length - (logStart[provider] as number),
      polls: (await okPolls(registry(), provider)) - (start[provider] as number),
    };
  }
  return result;
}

describe('sharing one poller', () => {
  it('ten subscribers (other providers, createdAt ranges) cost the vendors the polls of one', async () => {
    const one = collect(graph.url);
    const alone = await requestsPerPoll();
    const others: Collected[] = Array.from({ length: 9 }, (_, index) =>
      collect(graph.url, {
        ...(index % 3 === 0 ? { providers: providers.slice(0, 2 + (index % 4)) } : {}),
        ...(index % 2 === 0 ? { filter: { createdAt: { from: new Date(Date.UTC(2026, 0, 1 + index)).toISOString() } } } : {}),
      }),
    );
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(10), { interval: 10 });
    const ten = await requestsPerPoll();
    for (const provider of providers) {
      expect(await metricValue(registry(), 'live_pollers', { provider, role: 'polling' })).toBe(1);
      const rateAlone = (alone[provider]?.requests as number) / (alone[provider]?.polls as number);
      const rateTen = (ten[provider]?.requests as number) / (ten[provider]?.polls as number);
      // The same upstream calls per poll: the polls in flight as a window opens and closes may each add or take
      // their calls (at most two polls' worth over the window; ten pollers would cost ten times as much).
      expect(Math.abs(rateTen - rateAlone)).toBeLessThanOrEqual((2 * Math.ceil(rateAlone)) / WINDOW_POLLS + 1e-9);
    }
    console.info(
      'vendor requests per poll, 1 subscriber vs 10:',
      Object.fromEntries(providers.map((provider) => [provider, `${alone[provider]?.requests}/${alone[provider]?.polls} vs ${ten[provider]?.requests}/${ten[provider]?.polls}`])),
    );
    // And every one of them gets what it asked for.
    const created = emulatorOf(providers[0] as Provider).addConversation();
    const [event] = await one.until(1);
    expect(event?.data?.conversationAdded.node.providerId).toBe(created.id);
    for (const subscription of [one, ...others]) subscription.close();
  });
});
