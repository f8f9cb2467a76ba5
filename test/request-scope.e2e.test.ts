import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type TestGraph } from './support/graph.js';

const PAGE = /* GraphQL */ `
  query Page($first: Int) {
    conversations(first: $first) {
      incompleteProviders
      edges { node { provider } }
    }
  }
`;

interface PageData {
  conversations: { incompleteProviders: string[]; edges: { node: { provider: string } }[] };
}

describe('request deadline and upstream call budget', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({
      env: { REQUEST_DEADLINE_MS: '800', UPSTREAM_TIMEOUT_MS: '2000', UPSTREAM_MAX_ATTEMPTS: '3', UPSTREAM_RETRY_BASE_DELAY_MS: '1' },
    });
  });
  afterAll(() => graph.close());

  it('cuts a hung vendor at the deadline: the others answer, the late one is coded, no retry is started', async () => {
    graph.resetEmulators();
    graph.emulators.emulators.FLASHBACK!.injectFault({ kind: 'hang', count: 10 });
    // How soon it answers is asserted by test/hostile/faults.e2e.test.ts; this asserts what the deadline decides.
    const response = await graph.query<PageData>(PAGE, { first: 10 });
    expect(response.data?.conversations.incompleteProviders).toEqual(['FLASHBACK']);
    expect(response.data?.conversations.edges).toHaveLength(10);
    const error = response.errors?.find((candidate) => candidate.extensions?.provider === 'FLASHBACK');
    expect(error?.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', deadline: true });
    // One attempt: no retry can fit once the deadline cut the first one.
    expect(graph.emulators.emulators.FLASHBACK!.requestLog).toHaveLength(1);
    graph.resetEmulators();
  });
});

describe('upstream call budget', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ env: { UPSTREAM_CALL_BUDGET: '3' } });
  });
  afterAll(() => graph.close());

  it('sends no more calls than the budget; the vendors past it fail with a coded error, the rest answers', async () => {
    graph.resetEmulators();
    const response = await graph.query<PageData>(PAGE, { first: 5 });
    expect(graph.upstreamRequests()).toBeLessThanOrEqual(3);
    const codes = (response.errors ?? []).map((error) => error.extensions?.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['UPSTREAM_BUDGET_EXCEEDED']));
    expect(response.data?.conversations.edges.length).toBeGreaterThan(0);
  });
});
