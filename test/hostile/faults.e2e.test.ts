import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Provider } from '../../src/domain.js';
import type { FaultRule } from '../../src/emulators/framework.js';
import { PROVIDERS } from '../../src/vendors/vendors.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';

/**
 * Issue 9, points 2 and 3, and the fault matrix: with any vendor failing in any way, on its list endpoint or on a
 * nested one, every answer arrives within REQUEST_DEADLINE_MS + 100 ms, holds the other vendors' data, and names
 * the failing vendor in a coded error; a nested failure nulls only that field of that vendor's conversations.
 */

const DEADLINE_MS = 2000;
/** LIST_DEADLINE_SHARE_PCT's default: the list of conversations gets 60% of the deadline, nested fields the rest. */
const LIST_SHARE = 0.6;

const PAGE = /* GraphQL */ `
  query ($providers: [Provider!]) {
    conversations(first: 12, providers: $providers) {
      incompleteProviders
      edges {
        node {
          provider
          providerId
          creator { displayName }
          members { displayName }
          messages(first: 3) { edges { node { text } } }
        }
      }
    }
  }
`;

interface ConversationNode {
  provider: Provider;
  providerId: string;
  creator: unknown;
  members: unknown[] | null;
  messages: { edges: unknown[] } | null;
}
interface PageData {
  conversations: { incompleteProviders: Provider[]; edges: Array<{ node: ConversationNode }> };
}

type Fault = { name: string; rule: Omit<FaultRule, 'endpoint'>; alwaysFails: boolean };
const FAULTS: Fault[] = [
  { name: 'hang', rule: { kind: 'hang', count: 10_000 }, alwaysFails: true },
  { name: '30% 5xx', rule: { kind: 'status500', share: 0.3 }, alwaysFails: false },
  { name: 'truncated JSON', rule: { kind: 'truncatedJson', count: 10_000 }, alwaysFails: true },
  { name: 'connection reset', rule: { kind: 'resetConnection', count: 10_000 }, alwaysFails: true },
  { name: '429 with Retry-After', rule: { kind: 'status429RetryAfter', count: 10_000, retryAfterSeconds: 2 }, alwaysFails: true },
];

type Field = 'creator' | 'members' | 'messages';
interface Target {
  provider: Provider;
  /** The emulator's route name. */
  endpoint: string;
  /** Null: the list endpoint. Else the conversation fields that read this endpoint. */
  fields: Field[] | null;
}
const TARGETS: Target[] = [
  { provider: 'FLASHBACK', endpoint: 'listConversations', fields: null },
  { provider: 'CHATBASE', endpoint: 'getConversations', fields: null },
  { provider: 'MOVEWORKS_DATA', endpoint: 'listConversations', fields: null },
  { provider: 'SYMBL', endpoint: 'listConversations', fields: null },
  { provider: 'MOVEWORKS_CONVERSATIONS', endpoint: 'listConversations', fields: null },
  // Messages name their senders from the users table too.
  { provider: 'MOVEWORKS_DATA', endpoint: 'listUsers', fields: ['creator', 'members', 'messages'] },
  { provider: 'MOVEWORKS_DATA', endpoint: 'listInteractions', fields: ['members', 'messages'] },
  { provider: 'SYMBL', endpoint: 'getMessages', fields: ['messages'] },
  { provider: 'SYMBL', endpoint: 'getMembers', fields: ['members'] },
  { provider: 'MOVEWORKS_CONVERSATIONS', endpoint: 'listMessages', fields: ['messages'] },
];

async function startGraph(): Promise<TestGraph> {
  const graph = await startTestGraph({
    env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), UPSTREAM_TIMEOUT_MS: '3000', UPSTREAM_MAX_ATTEMPTS: '3', UPSTREAM_RETRY_BASE_DELAY_MS: '1' },
  });
  // A warm process: the figures below are about the deadline, not about a first request compiling the graph.
  await graph.query(PAGE, {});
  return graph;
}

let shared: TestGraph;
beforeAll(async () => {
  shared = await startGraph();
});
afterAll(async () => {
  await shared.close();
});

/**
 * Wall-clock assertions share this machine's two cores with the rest of the suite (and other work): a case whose
 * answer came late because the process was starved is tried again, up to twice. A real overshoot fails every try.
 */
const TIMING = { retry: 2 };

const cases = TARGETS.flatMap((target) => FAULTS.map((fault) => ({ ...target, fault, label: `${fault.name} on ${target.provider} ${target.endpoint}` })));

describe('fault matrix: every answer within the deadline, with the other vendors, the failure coded and named', () => {
  it.each(cases)('$label', TIMING, async ({ provider, endpoint, fields, fault }) => {
    // A Retry-After pauses the whole vendor for the graph (shared rate limits): a 429 case gets a graph of its own,
    // so the pause it causes does not reach the next case.
    const graph = fault.rule.kind === 'status429RetryAfter' ? await startGraph() : shared;
    try {
      await runCase(graph, provider, endpoint, fields, fault);
    } finally {
      if (graph !== shared) await graph.close();
    }
  });
});

async function runCase(graph: TestGraph, provider: Provider, endpoint: string, fields: Field[] | null, fault: Fault): Promise<void> {
  {
    graph.resetEmulators();
    graph.emulators.emulators[provider]!.injectFault({ ...fault.rule, endpoint });
    // Nested targets: this vendor and one other, so the page holds this vendor's conversations.
    const providers = fields ? [provider, provider === 'FLASHBACK' ? 'CHATBASE' : 'FLASHBACK'] : null;
    const started = performance.now();
    const response: GraphQLResponse<PageData> = await graph.query<PageData>(PAGE, { providers });
    const elapsed = performance.now() - started;
    const called = graph.emulators.emulators[provider]!.counters()[endpoint] ?? 0;
    graph.resetEmulators();
    if (process.env.DEBUG_FAULTS) console.log(JSON.stringify({ label: `${provider} ${endpoint} ${fault.name}`, elapsed, incomplete: response.data?.conversations.incompleteProviders, counters: graph.emulators.emulators[provider]!.counters(), errors: response.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.provider, e.message]) }));

    expect(elapsed).toBeLessThan(DEADLINE_MS + 100);
    const page = response.data?.conversations;
    expect(page).toBeDefined();
    const nodes = page!.edges.map((edge) => edge.node);
    const errors = response.errors ?? [];
    // Every error is coded and names the failing vendor.
    for (const error of errors) {
      expect(String(error.extensions?.code)).toMatch(/^UPSTREAM_/);
      expect(error.extensions?.provider).toBe(provider);
    }
    // The other vendors' data is there.
    expect(nodes.some((node) => node.provider !== provider)).toBe(true);
    for (const node of nodes.filter((candidate) => candidate.provider !== provider)) {
      expect(node.members).not.toBeNull();
      expect(node.messages).not.toBeNull();
    }

    if (fields === null) {
      if (fault.alwaysFails) {
        expect(page!.incompleteProviders).toEqual([provider]);
        expect(errors.map((error) => error.path)).toEqual([['conversations']]);
      }
      expect(nodes.every((node) => node.provider !== provider || !page!.incompleteProviders.includes(provider))).toBe(true);
      return;
    }
    // A nested failure: the page is whole, this vendor's conversations are there; only the fields reading the
    // failing endpoint are null, and each null has its error at its path.
    expect(page!.incompleteProviders).toEqual([]);
    expect(nodes.some((node) => node.provider === provider)).toBe(true);
    for (const error of errors) {
      const path = error.path ?? [];
      expect(path.slice(0, 2)).toEqual(['conversations', 'edges']);
      expect(fields).toContain(path[4]);
      const node = nodes[path[2] as number] as ConversationNode;
      expect(node.provider).toBe(provider);
      expect(node[path[4] as Field]).toBeNull();
    }
    const nulled = nodes.flatMap((node, index) =>
      (['members', 'messages'] as const).filter((field) => node[field] === null).map((field) => `${index}.${field}`),
    );
    const reported = errors.map((error) => `${String(error.path?.[2])}.${String(error.path?.[4])}`);
    for (const entry of nulled) expect(reported).toContain(entry);
    if (fault.alwaysFails && called > 0) expect(errors.length).toBeGreaterThan(0);
  }
}

describe('the request deadline (REQUEST_DEADLINE_MS)', () => {
  it('a hung vendor costs one deadline, not three timeouts: the others answer, the late one is a coded error', TIMING, async () => {
    const graph = shared;
    graph.resetEmulators();
    graph.emulators.emulators.FLASHBACK!.injectFault({ kind: 'hang', count: 10_000 });
    const started = performance.now();
    const response = await graph.query<PageData>(PAGE, {});
    const elapsed = performance.now() - started;
    const flashbackCalls = graph.emulators.emulators.FLASHBACK!.requestLog.length;
    graph.resetEmulators();
    expect(elapsed).toBeLessThan(DEADLINE_MS + 100);
    // The list gave up on Flashback at its share of the deadline, leaving the rest to nested fields.
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS * LIST_SHARE - 20);
    expect(response.data?.conversations.incompleteProviders).toEqual(['FLASHBACK']);
    // The others' page is whole: the page they answer when Flashback is not asked at all.
    const others = await graph.query<PageData>(PAGE, { providers: PROVIDERS.filter((provider) => provider !== 'FLASHBACK') });
    expect(response.data?.conversations.edges.map((edge) => `${edge.node.provider}/${edge.node.providerId}`)).toEqual(
      others.data?.conversations.edges.map((edge) => `${edge.node.provider}/${edge.node.providerId}`),
    );
    expect(response.errors?.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'UPSTREAM_TIMEOUT', provider: 'FLASHBACK', deadline: true }),
    ]);
    // UPSTREAM_TIMEOUT_MS is 3000 and 3 attempts are allowed: only the deadline can have cut this short.
    expect(flashbackCalls).toBe(1);
  });

  it('a 429 whose Retry-After passes the deadline is not waited for', TIMING, async () => {
    const graph = await startGraph();
    onTestFinished(() => graph.close());
    graph.resetEmulators();
    graph.emulators.emulators.SYMBL!.injectFault({ kind: 'status429RetryAfter', count: 10_000, retryAfterSeconds: 5 });
    const started = performance.now();
    const response = await graph.query<PageData>(PAGE, {});
    const elapsed = performance.now() - started;
    graph.resetEmulators();
    expect(elapsed).toBeLessThan(DEADLINE_MS);
    expect(response.data?.conversations.incompleteProviders).toEqual(['SYMBL']);
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_RATE_LIMITED']);
  });
});
