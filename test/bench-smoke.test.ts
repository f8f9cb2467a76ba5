import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, type GraphQLAnswer, type GraphQLBody } from '../bench/scenarios.js';
import type { Provider } from '../src/domain.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

/**
 * The benchmark's deterministic counters, checked in CI: what each scenario costs upstream, and that
 * the graph keeps its upstream connections alive. Timing is never asserted here (see `npm run bench`).
 */

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph();
});
afterAll(async () => {
  await graph.close();
});

const send = (body: GraphQLBody): Promise<GraphQLAnswer> => graph.query(body.query, body.variables);
const connectionsAccepted = (): number =>
  Object.values(graph.emulators.emulators).reduce((sum, emulator) => sum + emulator.connectionsAccepted, 0);

describe('bench scenarios, deterministic counters', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.id, scenario] as const))(
    '%s: upstream calls per request stay within the recorded cost',
    async (_id, scenario) => {
      const body = await scenario.prepare(send);
      // One request first, as the bench repeats it: what a vendor keeps across requests on purpose (Intercom's
      // teammates, 5 minutes) is then loaded, and what is measured is the cost of every repeat.
      graph.resetEmulators();
      expect((await send(body)).errors).toBeUndefined();
      const cold = graph.upstreamRequests();
      graph.resetEmulators();
      const answer = await send(body);
      expect(answer.errors).toBeUndefined();
      const calls = graph.upstreamRequests();
      const byVendor = Object.entries(graph.emulators.emulators).map(([provider, emulator]) => `${provider}=${emulator.requestLog.length}`);
      console.log(`${scenario.id}: ${calls} upstream calls (${byVendor.join(' ')}); the first time ${cold}`);
      expect(calls).toBeLessThanOrEqual(scenario.upstreamCallLimit);
      expect(calls).toBeGreaterThan(0);
      expect(cold - calls).toBeGreaterThanOrEqual(0);
      expect(cold - calls).toBeLessThanOrEqual(1);
      // The same request again costs the same: nothing else is cached across requests, nothing is repeated.
      graph.resetEmulators();
      await send(body);
      expect(graph.upstreamRequests()).toBe(calls);
    },
  );

  it('reuses upstream connections: no new connection after warm-up, sequential or 8 at a time', async () => {
    const body = await SCENARIOS[0]!.prepare(send);
    const poolSize = graph.config.http.connections;
    const vendors = Object.keys(graph.emulators.emulators) as Provider[];
    const parallel = async (width: number, rounds: number): Promise<void> => {
      for (let round = 0; round < rounds; round += 1) {
        const answers = await Promise.all(Array.from({ length: width }, () => send(body)));
        for (const answer of answers) expect(answer.errors).toBeUndefined();
      }
    };
    await parallel(1, 3);
    const warm = connectionsAccepted();
    await parallel(1, 20);
    expect(connectionsAccepted() - warm).toBe(0);
    const beforeParallel = connectionsAccepted();
    await parallel(8, 5);
    // Concurrency may open more sockets, but never more than one pool per vendor.
    expect(connectionsAccepted() - beforeParallel).toBeLessThanOrEqual(poolSize * vendors.length);
    const warmAt8 = connectionsAccepted();
    await parallel(1, 10);
    expect(connectionsAccepted() - warmAt8).toBe(0);
  });
});
