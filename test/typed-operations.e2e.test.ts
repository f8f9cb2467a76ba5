import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationDetailDocument, InboxDocument, type ConversationDetailQuery, type InboxQuery } from '../schema/generated/graphql.js';
import { VENDORS } from '../src/vendors/vendors.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

/** Each vendor's member of the details union, from the vendor list. */
const DETAILS_TYPENAME: Record<string, string> = Object.fromEntries(VENDORS.map((vendor) => [vendor.provider, vendor.details.name]));

describe('the example operations (typed documents from codegen)', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph();
  });
  afterAll(async () => {
    await graph.close();
  });

  it('Inbox pages every vendor with its own details', async () => {
    const response = await graph.query<InboxQuery>(print(InboxDocument), { first: 100 });
    expect(response.errors).toBeUndefined();
    const connection = response.data!.conversations;
    expect(connection.incompleteProviders).toEqual([]);
    expect(connection.totalCount).toBeGreaterThanOrEqual(VENDORS.length * 250);
    expect(new Set(connection.edges.map((edge) => edge.node.provider)).size).toBe(VENDORS.length);
    for (const { node } of connection.edges) expect(node.details.__typename).toBe(DETAILS_TYPENAME[node.provider]);
    const times = connection.edges.map((edge) => Date.parse(edge.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('ConversationDetail reads people and a window of messages of one conversation', async () => {
    const inbox = await graph.query<InboxQuery>(print(InboxDocument), { first: 30, providers: ['CHATBASE'] });
    const chosen = inbox.data!.conversations.edges.find((edge) => edge.node.creator !== null)!.node;
    const response = await graph.query<ConversationDetailQuery>(print(ConversationDetailDocument), { id: chosen.id, last: 2 });
    expect(response.errors).toBeUndefined();
    const node = response.data!.node;
    if (node?.__typename !== 'Conversation') throw new Error('expected the conversation');
    expect(node.providerId).toBe(chosen.providerId);
    expect(node.creator?.displayName).toBe(chosen.creator?.displayName);
    expect(node.members?.map((member) => member.displayName)).toEqual([chosen.creator?.displayName]);
    expect(node.messagesAvailable).toBe(true);
    expect(node.messages?.edges.length).toBeLessThanOrEqual(2);
    expect(node.messages?.pageInfo.hasNextPage).toBe(false);
  });
});

describe('Flashback windows above its take cap of 100', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK'], env: { MAX_PAGE_SIZE: '250' } });
  });
  afterAll(async () => {
    await graph.close();
  });

  it('are served with several upstream calls of at most 100 when MAX_PAGE_SIZE allows them', async () => {
    const response = await graph.query<InboxQuery>(print(InboxDocument), { first: 250 });
    expect(response.errors).toBeUndefined();
    expect(response.data!.conversations.edges).toHaveLength(250);
    const takes = graph.emulators.emulators.FLASHBACK!.requestLog
      .filter((entry) => entry.search.includes('skip='))
      .map((entry) => Number(new URLSearchParams(entry.search).get('take')));
    expect(takes.filter((take) => take > 1).sort((a, b) => a - b)).toEqual([50, 100, 100]);
  });
});
