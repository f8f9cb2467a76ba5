import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../../src/emulators/framework.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../../support/graph.js';

/**
 * Intercom failing in every way, on its search or on an endpoint a nested field reads: every answer within
 * the deadline, the other vendor's data whole, each failure coded and naming INTERCOM, and a nested failure
 * nulling only the fields that read the failing endpoint.
 */

const DEADLINE_MS = 2000;
const OTHER = 'SYMBL';

const PAGE = /* GraphQL */ `
  query {
    conversations(first: 12, providers: [INTERCOM, ${OTHER}]) {
      incompleteProviders
      edges { node { provider providerId creator { displayName } members { displayName } messages(first: 3) { edges { node { text } } } } }
    }
  }
`;
interface Node {
  provider: string;
  members: unknown[] | null;
  messages: unknown | null;
}
interface Data {
  conversations: { incompleteProviders: string[]; edges: Array<{ node: Node }> };
}

const FAULTS: Array<{ name: string; rule: Omit<FaultRule, 'endpoint'>; alwaysFails: boolean }> = [
  { name: 'hang', rule: { kind: 'hang', count: 10_000 }, alwaysFails: true },
  { name: '30% 5xx', rule: { kind: 'status500', share: 0.3 }, alwaysFails: false },
  { name: 'truncated JSON', rule: { kind: 'truncatedJson', count: 10_000 }, alwaysFails: true },
  { name: 'connection reset', rule: { kind: 'resetConnection', count: 10_000 }, alwaysFails: true },
  { name: '429', rule: { kind: 'status429', count: 10_000 }, alwaysFails: true },
];
/**
 * The emulator's routes and the fields that read them (null: the list itself). `/admins` is left out: the
 * adapter keeps the teammates for 5 minutes, so after the warm-up no page calls it (its failure is in the adapter test).
 */
const TARGETS: Array<{ endpoint: string; fields: Array<'members' | 'messages'> | null }> = [
  { endpoint: 'searchConversations', fields: null },
  { endpoint: 'searchContacts', fields: ['members'] },
  { endpoint: 'getConversation', fields: ['messages'] },
];

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({
    only: ['INTERCOM', OTHER],
    env: { REQUEST_DEADLINE_MS: String(DEADLINE_MS), UPSTREAM_TIMEOUT_MS: '3000', UPSTREAM_MAX_ATTEMPTS: '3', UPSTREAM_RETRY_BASE_DELAY_MS: '1' },
  });
  await graph.query(PAGE);
});
afterAll(async () => {
  await graph.close();
});

const cases = TARGETS.flatMap((target) => FAULTS.map((fault) => ({ ...target, fault, label: `${fault.name} on ${target.endpoint}` })));

describe('Intercom under faults', () => {
  it.each(cases)('$label', { retry: 2 }, async ({ endpoint, fields, fault }) => {
    graph.resetEmulators();
    const intercom = graph.emulators.emulators.INTERCOM!;
    intercom.injectFault({ ...fault.rule, endpoint });
    const started = performance.now();
    const response: GraphQLResponse<Data> = await graph.query<Data>(PAGE);
    const elapsed = performance.now() - started;
    const called = intercom.counters()[endpoint] ?? 0;
    graph.resetEmulators();
    expect(elapsed).toBeLessThan(DEADLINE_MS + 100);
    const page = response.data?.conversations;
    expect(page).toBeDefined();
    const errors = response.errors ?? [];
    for (const error of errors) {
      expect(String(error.extensions?.code)).toMatch(/^UPSTREAM_/);
      expect(error.extensions?.provider).toBe('INTERCOM');
    }
    const nodes = page!.edges.map((edge) => edge.node);
    const others = nodes.filter((node) => node.provider === OTHER);
    expect(others.length).toBeGreaterThan(0);
    for (const node of others) {
      expect(node.members).not.toBeNull();
      expect(node.messages).not.toBeNull();
    }
    if (fields === null) {
      if (fault.alwaysFails) {
        expect(page!.incompleteProviders).toEqual(['INTERCOM']);
        expect(errors.map((error) => error.path)).toEqual([['conversations']]);
      }
      return;
    }
    expect(page!.incompleteProviders).toEqual([]);
    expect(nodes.some((node) => node.provider === 'INTERCOM')).toBe(true);
    for (const error of errors) {
      const path = error.path ?? [];
      expect(fields).toContain(path[4]);
      const node = nodes[path[2] as number]!;
      expect(node.provider).toBe('INTERCOM');
      expect(node[path[4] as 'members' | 'messages']).toBeNull();
    }
    const nulled = nodes.flatMap((node, index) => (['members', 'messages'] as const).filter((field) => node[field] === null).map((field) => `${index}.${field}`));
    const reported = errors.map((error) => `${String(error.path?.[2])}.${String(error.path?.[4])}`);
    for (const entry of nulled) expect(reported).toContain(entry);
    if (fault.alwaysFails && called > 0) expect(errors.length).toBeGreaterThan(0);
  });
});
