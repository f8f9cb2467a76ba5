import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { request } from 'undici';
import { configuredProviders } from '../../src/config.js';
import { checkOperation } from '../../src/limits/operation-check.js';
import { schemaFor } from '../../src/schema/index.js';
import type { Provider } from '../../src/domain.js';
import { VENDORS } from '../../src/vendors/vendors.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import type { AcmeChatWire } from '../fixtures/acme-chat/emulator.js';
import { acmeChatVendor } from '../fixtures/acme-chat/vendor.js';

/**
 * The vendor seam's dry run (issue 19): a sixth vendor that lives only in test/fixtures/acme-chat (an
 * offset-paged emulator and its module) joins the graph as one more entry of the vendor list. Nothing in
 * src/ names it; it lists, pages both ways, counts, filters, is found again by id and merges with the graph's vendors.
 */

interface Node {
  id: string;
  provider: Provider;
  providerId: string;
  createdAt: string;
  details: { __typename: string; topic?: string; agent?: string | null };
}
interface Page {
  conversations: {
    totalCount: number | null;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Array<{ node: Node }>;
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { id provider providerId createdAt details { __typename ... on AcmeChatConversationDetails { topic agent } } } }
    }
  }
`;

const SIX = [...VENDORS, acmeChatVendor];
let graph: TestGraph;
let acme: AcmeChatWire[];

beforeAll(async () => {
  graph = await startTestGraph({ vendors: SIX });
  // The fixture's emulator keeps its data beside the emulator; read it from the vendor itself, as a client would not.
  const response = await request(`${graph.config.vendorConfigs.ACME_CHAT!.baseUrl}/chats?offset=0&limit=50`, { headers: { authorization: 'Bearer acme-chat-demo-token' } });
  const first = (await response.body.json()) as { items: AcmeChatWire[]; total: number };
  acme = [...first.items];
  for (let offset = 50; offset < first.total; offset += 50) {
    const more = await request(`${graph.config.vendorConfigs.ACME_CHAT!.baseUrl}/chats?offset=${offset}&limit=50`, { headers: { authorization: 'Bearer acme-chat-demo-token' } });
    acme.push(...((await more.body.json()) as { items: AcmeChatWire[] }).items);
  }
});
afterAll(async () => {
  await graph.close();
});

async function walk(direction: 'forward' | 'backward', size: number, variables: Record<string, unknown>): Promise<Node[]> {
  const nodes: Node[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages += 1) {
    const paging: Record<string, unknown> = direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
    const response: Awaited<ReturnType<typeof graph.query<Page>>> = await graph.query<Page>(PAGE, { ...variables, ...paging });
    expect(response.errors).toBeUndefined();
    const { edges, pageInfo } = response.data!.conversations;
    if (direction === 'forward') nodes.push(...edges.map((edge) => edge.node));
    else nodes.unshift(...edges.map((edge) => edge.node));
    const more = direction === 'forward' ? pageInfo.hasNextPage : pageInfo.hasPreviousPage;
    if (!more) return nodes;
    cursor = direction === 'forward' ? pageInfo.endCursor : pageInfo.startCursor;
  }
  throw new Error('the walk did not end');
}

describe('a sixth vendor from a test fixture, registered as one list entry', () => {
  it('is in the schema: the Provider enum, its filter section and its details type', async () => {
    const response = await graph.query<{ provider: { enumValues: Array<{ name: string }> }; filter: { inputFields: Array<{ name: string }> } }>(
      '{ provider: __type(name: "Provider") { enumValues { name } } filter: __type(name: "ConversationFilter") { inputFields { name } } }',
    );
    expect(response.data!.provider.enumValues.map((value) => value.name).sort()).toEqual(SIX.map((vendor) => vendor.provider).sort());
    expect(response.data!.filter.inputFields.map((field) => field.name).sort()).toEqual(['createdAt', ...SIX.map((vendor) => vendor.filter.key)].sort());
  });

  it('lists every conversation forward, then the same backward, and counts them', async () => {
    const expected = acme.map((chat) => chat.chat_id);
    expect(expected.length).toBeGreaterThan(50);
    const forward = await walk('forward', 7, { providers: ['ACME_CHAT'] });
    expect(forward.map((node) => node.providerId)).toEqual(expected);
    expect(forward.every((node) => node.provider === 'ACME_CHAT' && node.details.__typename === 'AcmeChatConversationDetails')).toBe(true);
    const backward = await walk('backward', 9, { providers: ['ACME_CHAT'] });
    expect(backward.map((node) => node.providerId)).toEqual(expected);
    const counted = await graph.query<Page>(PAGE, { first: 1, providers: ['ACME_CHAT'] });
    expect(counted.data!.conversations.totalCount).toBe(expected.length);
  });

  it('filters with its own section, pushed down to the vendor', async () => {
    const billing = acme.filter((chat) => chat.topic === 'billing').map((chat) => chat.chat_id);
    const nodes = await walk('forward', 10, { providers: ['ACME_CHAT'], filter: { acmeChat: { topic: 'billing' } } });
    expect(nodes.map((node) => node.providerId)).toEqual(billing);
    expect(nodes.every((node) => node.details.topic === 'billing')).toBe(true);
    const search = graph.emulators.emulators.ACME_CHAT!.requestLog.filter((entry) => entry.endpoint === 'listChats').map((entry) => entry.search);
    expect(search.some((query) => query.includes('topic=billing'))).toBe(true);
  });

  it('merges with the graph vendors into one newest-first walk, both ways, and counts the union', async () => {
    const all = await graph.query<Page>(PAGE, { first: 1 });
    const total = all.data!.conversations.totalCount!;
    const forward = await walk('forward', 40, {});
    expect(forward).toHaveLength(total);
    expect(new Set(forward.map((node) => node.provider))).toEqual(new Set(SIX.map((vendor) => vendor.provider)));
    const times = forward.map((node) => Date.parse(node.createdAt));
    expect(times.every((time, index) => index === 0 || times[index - 1]! >= time)).toBe(true);
    expect(forward.filter((node) => node.provider === 'ACME_CHAT').map((node) => node.providerId)).toEqual(acme.map((chat) => chat.chat_id));
    const backward = await walk('backward', 40, {});
    expect(backward.map((node) => node.id)).toEqual(forward.map((node) => node.id));
  }, 60_000);

  it('finds a conversation again by its global id, and refuses an id its format does not allow before any call', async () => {
    const first = (await graph.query<Page>(PAGE, { first: 1, providers: ['ACME_CHAT'] })).data!.conversations.edges[0]!.node;
    const found = await graph.query<{ node: { id: string; providerId: string } | null }>('query ($id: ID!) { node(id: $id) { id ... on Conversation { providerId } } }', { id: first.id });
    expect(found.data!.node).toEqual({ id: first.id, providerId: first.providerId });
    const forged = Buffer.from(`Conversation:${JSON.stringify(['ACME_CHAT', '../admin', 1, null])}`).toString('base64url');
    const before = graph.emulators.emulators.ACME_CHAT!.requestLog.length;
    const refused = await graph.query('query ($id: ID!) { node(id: $id) { id } }', { id: forged });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(graph.emulators.emulators.ACME_CHAT!.requestLog.length).toBe(before);
  });

  it('is in /ready, its rate limit is read, and its upstream calls are estimated from its pagination', async () => {
    const ready = await request(graph.url.replace('/graphql', '/ready'));
    expect(((await ready.body.json()) as { providers: Record<string, unknown> }).providers.ACME_CHAT).toEqual({ configured: true, breaker: 'closed' });
    expect(graph.config.vendorSettings.ACME_CHAT).toEqual({ rateLimitPerSecond: null, livePollIntervalMs: null });
    // Its own pagination (offset, pages of 50) prices a page before it runs: 2 calls for 100, one more to find the end.
    const limits = { ...graph.config.limits, maxPageSize: 100, configuredProviders: configuredProviders(graph.config), vendors: SIX, vendorConfigs: graph.config.vendorConfigs };
    const estimate = (document: string) => checkOperation(schemaFor(SIX), parse(document), null, {}, limits).estimate.upstreamCalls;
    expect(estimate('{ conversations(first: 100, providers: [ACME_CHAT]) { edges { node { id } } } }')).toBe(2);
    expect(estimate('{ conversations(last: 100, providers: [ACME_CHAT]) { edges { node { id } } } }')).toBe(3);
  });
});
