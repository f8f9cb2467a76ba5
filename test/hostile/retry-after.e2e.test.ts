import { afterEach, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 22, point 5b: a vendor that asked to be left alone (HTTP 429 with `Retry-After`) answers
 * `UPSTREAM_RATE_LIMITED` with `extensions.retryAfter` (seconds), never `UPSTREAM_TIMEOUT`: the graph waits for
 * the pause only when a call can still be made after it, and answers at once, without calling the vendor, when the
 * pause outlasts what is left of the request's deadline. Before, with Moveworks Data answering 429
 * `Retry-After: 1` to everything, the third of three requests waited 3 s and answered UPSTREAM_TIMEOUT.
 */

const PAGE = /* GraphQL */ `
  {
    conversations(first: 5) {
      incompleteProviders
      edges { node { provider } }
    }
  }
`;
interface PageData {
  conversations: { incompleteProviders: string[]; edges: Array<{ node: { provider: string } }> };
}

let graph: TestGraph | undefined;
afterEach(async () => {
  await graph?.close();
  graph = undefined;
});

/** The attack run's settings: the 5 s deadline, 3 attempts, back-off up to 2 s. */
async function startGraph(): Promise<TestGraph> {
  return startTestGraph({ env: { UPSTREAM_MAX_ATTEMPTS: '3', UPSTREAM_RETRY_BASE_DELAY_MS: '1', UPSTREAM_RETRY_MAX_DELAY_MS: '2000' } });
}

function vendorErrors(response: GraphQLResponse<PageData>): Array<Record<string, unknown>> {
  return (response.errors ?? []).map((error) => error.extensions ?? {}).filter((extensions) => extensions.provider === 'MOVEWORKS_DATA');
}

describe('a vendor paused by its own Retry-After', () => {
  it('answers UPSTREAM_RATE_LIMITED with retryAfter on every request, never UPSTREAM_TIMEOUT (429 Retry-After: 1 to everything)', async () => {
    graph = await startGraph();
    graph.emulators.emulators.MOVEWORKS_DATA!.injectFault({ kind: 'status429RetryAfter', count: 100_000, retryAfterSeconds: 1 });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const started = performance.now();
      const response = await graph.query<PageData>(PAGE);
      const elapsed = performance.now() - started;
      expect(elapsed, `request ${attempt}`).toBeLessThan(graph.config.request.deadlineMs);
      expect(response.data?.conversations.incompleteProviders, `request ${attempt}`).toEqual(['MOVEWORKS_DATA']);
      expect(vendorErrors(response), `request ${attempt}`).toEqual([
        expect.objectContaining({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: expect.any(Number) }),
      ]);
      expect(vendorErrors(response)[0]!.retryAfter as number).toBeGreaterThanOrEqual(1);
      // The other vendors answered.
      expect(response.data?.conversations.edges.length).toBe(5);
    }
  });

  it('answers at once, without calling the vendor, while its pause outlasts the deadline', async () => {
    graph = await startGraph();
    const vendor = graph.emulators.emulators.MOVEWORKS_DATA!;
    vendor.injectFault({ kind: 'status429RetryAfter', count: 100_000, retryAfterSeconds: 30 });

    let started = performance.now();
    const first = await graph.query<PageData>(PAGE);
    // One call told the graph to wait 30 s, more than the 5 s deadline: no retry is waited for.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(vendor.requestLog.length).toBe(1);
    expect(vendorErrors(first)).toEqual([expect.objectContaining({ code: 'UPSTREAM_RATE_LIMITED', retryAfter: 30 })]);

    graph.resetEmulators();
    vendor.injectFault({ kind: 'status429RetryAfter', count: 100_000, retryAfterSeconds: 30 });
    started = performance.now();
    const second = await graph.query<PageData>(PAGE);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(vendor.requestLog.length).toBe(0);
    const [error] = vendorErrors(second);
    expect(error).toMatchObject({ code: 'UPSTREAM_RATE_LIMITED' });
    // What is left of the vendor's pause.
    expect(error!.retryAfter as number).toBeGreaterThanOrEqual(28);
    expect(error!.retryAfter as number).toBeLessThanOrEqual(30);
    expect(second.data?.conversations.edges.length).toBe(5);
  });
});
