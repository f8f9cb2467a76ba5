import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compareNewest, intercomDemoData, startIntercomEmulator, type IntercomWireConversation } from '../../../src/emulators/intercom.js';
import { intercomVendor } from '../../../src/vendors/intercom/vendor.js';
import type { VendorModule } from '../../../src/vendors/vendor-module.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../../support/graph.js';

/**
 * Intercom through the graph over HTTP against its emulator: walks both ways and jumps, counts, the
 * `intercom` filter (refusals before any call), details, people batched per page, messages with the
 * 500-part cap, node look-ups.
 */

const ANCHOR = new Date('2026-11-01T00:00:00Z');
const data = intercomDemoData({ anchor: ANCHOR });
const withFin = (filter: (c: IntercomWireConversation) => boolean = () => true): IntercomWireConversation[] =>
  data.records.map((record) => record.conversation).filter((c) => c.ai_agent_participated && filter(c)).sort(compareNewest);

let graph: TestGraph;
beforeAll(async () => {
  graph = await startTestGraph({ only: ['INTERCOM'] });
});
afterAll(async () => {
  await graph.close();
});
beforeEach(() => {
  graph.resetEmulators();
});

const emulator = () => graph.emulators.emulators.INTERCOM!;
const calls = (endpoint: string): number => emulator().requestLog.filter((entry) => entry.endpoint === endpoint).length;

interface Edge {
  cursor: string;
  node: { id: string; providerId: string; createdAt: string };
}
interface Page {
  conversations: {
    totalCount?: number | null;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Edge[];
  };
}
const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: [INTERCOM], filter: $filter) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id providerId createdAt } }
    }
  }
`;

async function page(variables: Record<string, unknown>): Promise<Page['conversations']> {
  const response = await graph.query<Page>(PAGE, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.conversations;
}

async function walk(direction: 'forward' | 'backward', size: number, filter?: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 1000; n += 1) {
    const connection = await page(direction === 'forward' ? { first: size, after: cursor, filter } : { last: size, before: cursor, filter });
    const pageIds = connection.edges.map((edge) => edge.node.providerId);
    if (direction === 'forward') ids.push(...pageIds);
    else ids.unshift(...pageIds);
    const more = direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    if (!more) return ids;
    cursor = direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
  }
  throw new Error('walk did not end');
}

describe('Intercom through the graph: walks and counts', () => {
  it('forward and backward walks list every conversation with Fin once, newest first; one search per page', async () => {
    const want = withFin().map((c) => c.id);
    expect(await walk('forward', 17)).toEqual(want);
    const pages = Math.ceil(want.length / 17);
    expect(calls('searchConversations')).toBeLessThanOrEqual(pages + 2);
    expect(await walk('backward', 23)).toEqual(want);
  });

  it('jumps both ways from any edge: after and before a cursor continue exactly', async () => {
    const want = withFin().map((c) => c.id);
    const first = await page({ first: 40 });
    for (const index of [0, 6, 21, 39]) {
      const cursor = first.edges[index]!.cursor;
      const next = await page({ first: 5, after: cursor });
      expect(next.edges.map((edge) => edge.node.providerId)).toEqual(want.slice(index + 1, index + 6));
      const previous = await page({ last: 5, before: cursor });
      expect(previous.edges.map((edge) => edge.node.providerId)).toEqual(want.slice(Math.max(0, index - 5), index));
      expect(previous.pageInfo.hasPreviousPage).toBe(index > 5);
    }
  });

  it('totalCount from one search; with the intercom filter', async () => {
    const count = async (filter?: Record<string, unknown>) =>
      (await graph.query<Page>(`query ($filter: ConversationFilter) { conversations(first: 0, providers: [INTERCOM], filter: $filter) { totalCount } }`, { filter })).data
        ?.conversations.totalCount;
    expect(await count()).toBe(withFin().length);
    expect(calls('searchConversations')).toBe(1);
    expect(await count({ intercom: { states: ['closed'], aiResolutionStates: ['routed_to_team'] } })).toBe(
      withFin((c) => c.state === 'closed' && c.ai_agent?.resolution_state === 'routed_to_team').length,
    );
    const since = new Date(ANCHOR.getTime() - 10 * 86_400_000);
    expect(await count({ createdAt: { from: since.toISOString() } })).toBe(withFin((c) => c.created_at * 1000 >= since.getTime()).length);
  });

  it('filters walk exactly', async () => {
    const filter = { intercom: { states: ['OPEN', 'snoozed'] }, createdAt: { to: new Date(ANCHOR.getTime() - 5 * 86_400_000).toISOString() } };
    expect(await walk('forward', 9, filter)).toEqual(withFin((c) => c.state !== 'closed' && c.created_at * 1000 < ANCHOR.getTime() - 5 * 86_400_000).map((c) => c.id));
  });
});

describe('Intercom through the graph: refusals before any call', () => {
  const refusals: Array<[string, Record<string, unknown>]> = [
    ['empty states', { intercom: { states: [] } }],
    ['unknown state', { intercom: { states: ['open', 'pending'] } }],
    ['a 2.15 resolution state under Intercom-Version 2.14', { intercom: { aiResolutionStates: ['escalated'] } }],
    ['a huge value', { intercom: { aiResolutionStates: ['x'.repeat(100_000)] } }],
    ['not an email', { intercom: { contactEmail: 'robert"); DROP TABLE' } }],
  ];
  it.each(refusals)('%s: BAD_USER_INPUT, no call', async (_name, filter) => {
    const response = await graph.query(PAGE, { first: 5, filter });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(emulator().requestLog).toHaveLength(0);
  });
});

describe('Intercom through the graph: details, people, messages, node', () => {
  const DETAILS = /* GraphQL */ `
    query ($first: Int) {
      conversations(first: $first, providers: [INTERCOM]) {
        edges { node {
          id providerId title
          creator { id providerId displayName role }
          members { providerId email role }
          details { ... on IntercomConversationDetails {
            state open read priority adminAssigneeId teamAssigneeId tags customAttributes
            aiAgent { participated resolutionState lastAnswerType sourceType sourceTitle rating ratingRemark contentSources { contentType title url locale } }
          } }
        } }
      }
    }
  `;
  interface DetailsPage {
    conversations: {
      edges: Array<{
        node: {
          id: string;
          providerId: string;
          creator: { id: string; providerId: string; role: string } | null;
          members: Array<{ providerId: string; email: string | null; role: string }>;
          details: Record<string, unknown> & { aiAgent: Record<string, unknown> };
        };
      }>;
    };
  }

  it('details as Intercom sends them; members of a page of 30 in one contact search and one /admins call', async () => {
    const response: GraphQLResponse<DetailsPage> = await graph.query<DetailsPage>(DETAILS, { first: 30 });
    expect(response.errors).toBeUndefined();
    expect(calls('searchConversations')).toBe(1);
    expect(calls('searchContacts')).toBe(1);
    expect(calls('listAdmins')).toBeLessThanOrEqual(1);
    expect(calls('getConversation')).toBe(0);
    for (const { node } of response.data!.conversations.edges) {
      const wire = data.records.find((r) => r.conversation.id === node.providerId)!.conversation;
      expect(node.details).toMatchObject({
        state: wire.state,
        open: wire.open,
        priority: wire.priority,
        adminAssigneeId: wire.admin_assignee_id === null ? null : String(wire.admin_assignee_id),
        teamAssigneeId: wire.team_assignee_id === null ? null : String(wire.team_assignee_id),
        tags: wire.tags.tags.map((tag) => tag.name),
        customAttributes: wire.custom_attributes,
      });
      expect(node.details.aiAgent).toMatchObject({
        participated: true,
        resolutionState: wire.ai_agent?.resolution_state ?? null,
        contentSources: (wire.ai_agent?.content_sources.content_sources ?? []).map((s) => ({ contentType: s.content_type, title: s.title, url: s.url, locale: s.locale })),
      });
      expect(node.creator?.providerId).toBe(wire.source.author.id);
      expect(node.members.map((m) => m.providerId)).toEqual([...wire.contacts.contacts.map((c) => c.id), ...(wire.teammates?.admins ?? []).map((a) => a.id)]);
    }
  });

  it('messages: source first, Fin as the assistant; the 500-part cap marked truncated; node finds the conversation and a message again', async () => {
    const big = data.records.find((r) => r.parts.length > 500)!.conversation;
    const MESSAGES = /* GraphQL */ `
      query ($id: ID!) {
        node(id: $id) { ... on Conversation { providerId messages(first: 3) { truncated totalCount edges { node { id role text authorLabel sender { role displayName } } } } } }
      }
    `;
    const list = await page({ first: 100 });
    const edge = list.edges.find((e) => e.node.providerId === big.id)!;
    graph.resetEmulators();
    const response = await graph.query<{ node: { providerId: string; messages: { truncated: boolean; totalCount: number; edges: Array<{ node: { id: string; role: string; text: string; sender: { role: string } | null } }> } } }>(
      MESSAGES,
      { id: edge.node.id },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.node.providerId).toBe(big.id);
    expect(response.data!.node.messages.truncated).toBe(true);
    expect(response.data!.node.messages.edges[0]!.node.text).toBe(data.records.find((r) => r.conversation.id === big.id)!.conversation.source.body.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
    expect(calls('getConversation')).toBe(1);
    const fin = response.data!.node.messages.edges.map((e) => e.node).find((m) => m.role === 'ASSISTANT');
    if (fin) expect(fin.sender?.role).toBe('AI_AGENT');
    const messageId = response.data!.node.messages.edges[1]!.node.id;
    const again = await graph.query<{ node: { id: string } | null }>(`query ($id: ID!) { node(id: $id) { id ... on Message { text } } }`, { id: messageId });
    expect(again.data?.node?.id).toBe(messageId);
    const small = withFin().find((c) => c.id !== big.id)!;
    const smallEdge = list.edges.find((e) => e.node.providerId === small.id)!;
    const notTruncated = await graph.query<{ node: { messages: { truncated: boolean } } }>(MESSAGES, { id: smallEdge.node.id });
    expect(notTruncated.data!.node.messages.truncated).toBe(false);
  });
});

describe('Intercom through the graph: assignee ids wider than GraphQL\'s Int', () => {
  /** The vendor's ids are integers with no stated width: one past 32 bits, one past 2^53 (digits lost in JSON), and digits as a string. */
  const WIDE: ReadonlyArray<[admin: number | string, team: number | string | null, expected: [string | null, string | null]]> = [
    [3_000_000_000, 2_147_483_648, ['3000000000', '2147483648']],
    [2 ** 53 + 2, null, [null, null]],
    ['98765432109876543210', 7, ['98765432109876543210', '7']],
  ];
  let wide: TestGraph;
  let wired: IntercomWireConversation[] = [];
  beforeAll(async () => {
    // The seam: the same module with an emulator whose newest conversations carry wide ids (no central edit).
    const vendor: VendorModule = {
      ...intercomVendor,
      emulator: {
        ...intercomVendor.emulator,
        start: async (options) => {
          const started = await startIntercomEmulator(options);
          wired = started.records().map((record) => record.conversation).filter((c) => c.ai_agent_participated).sort(compareNewest).slice(0, WIDE.length);
          wired.forEach((conversation, index) => {
            const [admin, team] = WIDE[index]!;
            Object.assign(conversation, { admin_assignee_id: admin, team_assignee_id: team });
          });
          return started;
        },
      },
    };
    wide = await startTestGraph({ only: ['INTERCOM'], vendors: [vendor] });
  });
  afterAll(async () => {
    await wide.close();
  });

  it('answer as ID strings with every digit, no error on the page; a number JSON could not keep exactly is null, not a neighbour', async () => {
    const response = await wide.query<{ conversations: { edges: Array<{ node: { providerId: string; details: { adminAssigneeId: string | null; teamAssigneeId: string | null } } }> } }>(
      `{ conversations(first: 3, providers: [INTERCOM]) { edges { node { providerId details { ... on IntercomConversationDetails { adminAssigneeId teamAssigneeId } } } } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.conversations.edges.map((edge) => edge.node.providerId)).toEqual(wired.map((c) => c.id));
    expect(response.data!.conversations.edges.map((edge) => [edge.node.details.adminAssigneeId, edge.node.details.teamAssigneeId])).toEqual(WIDE.map(([, , expected]) => expected));
  });
});
