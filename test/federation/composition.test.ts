import { readFileSync } from 'node:fs';
import { compositionHasErrors } from '@theguild/federation-composition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { compose, composeSupergraph, fetchSubgraphSdl, type SubgraphService } from './supergraph.js';
import { seedTickets, startTicketsSubgraph, type TicketsSubgraph } from './tickets-subgraph.js';

let graph: TestGraph;
let tickets: TicketsSubgraph;
let conversations: SubgraphService;
let ticketsService: SubgraphService;

beforeAll(async () => {
  graph = await startTestGraph();
  tickets = await startTicketsSubgraph(seedTickets([]));
  conversations = { name: 'conversations', url: graph.url, sdl: await fetchSubgraphSdl(graph.url) };
  ticketsService = { name: 'tickets', url: tickets.url, sdl: await fetchSubgraphSdl(tickets.url) };
});
afterAll(async () => {
  await tickets.close();
  await graph.close();
});

/** The body of one type definition in an SDL (up to its closing brace). */
function typeBlock(sdl: string, name: string): string {
  const match = new RegExp(`\\ntype ${name}\\b[^{]*\\{[^}]*\\}`).exec(sdl);
  if (!match) throw new Error(`no type ${name}`);
  return match[0];
}

describe('the live subgraph composes with another Relay subgraph (tickets)', () => {
  it('serves as `_service { sdl }` exactly the committed schema/schema.graphql (so either can be given to rover)', () => {
    expect(conversations.sdl.trim()).toBe(readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8').trim());
  });

  it('declares PageInfo @shareable, and every Node (Conversation, Message, Creator, Member) an entity keyed by id', () => {
    expect(typeBlock(conversations.sdl, 'PageInfo')).toMatch(/^\ntype PageInfo\s+@shareable\s*\{/);
    for (const entity of ['Conversation', 'Message', 'Creator', 'Member']) {
      expect(typeBlock(conversations.sdl, entity), entity).toMatch(/@key\(fields: "id"\)/);
    }
  });

  it('composes with no errors: Conversation is one entity served by both subgraphs, PageInfo is shared', () => {
    const supergraph = composeSupergraph([conversations, ticketsService]);
    const conversation = typeBlock(supergraph, 'Conversation');
    expect(conversation).toContain('@join__type(graph: CONVERSATIONS, key: "id")');
    expect(conversation).toContain('@join__type(graph: TICKETS, key: "id")');
    expect(conversation).toMatch(/tickets: \[Ticket!\]! @join__field\(graph: TICKETS\)/);
    expect(conversation).toMatch(/title: String @join__field\(graph: CONVERSATIONS\)/);
    const pageInfo = typeBlock(supergraph, 'PageInfo');
    expect(pageInfo).toContain('@join__type(graph: CONVERSATIONS)');
    expect(pageInfo).toContain('@join__type(graph: TICKETS)');
    // Both subgraphs resolve every PageInfo field: shared, so no @join__field pins one of them.
    expect(pageInfo).not.toContain('@join__field');
    expect(supergraph).toMatch(/type Query[^{]*\{[^}]*conversations\(/);
    expect(supergraph).toMatch(/type Query[^{]*\{[^}]*tickets\(/);
  });

  it('would not compose if PageInfo lost @shareable (what the test above guards)', () => {
    const unshared = { ...conversations, sdl: conversations.sdl.replace(/type PageInfo\s+@shareable/, 'type PageInfo') };
    expect(unshared.sdl).not.toEqual(conversations.sdl);
    const result = compose([unshared, ticketsService]);
    expect(compositionHasErrors(result)).toBe(true);
    const messages = compositionHasErrors(result) ? result.errors.map((error) => error.message) : [];
    expect(messages).toContainEqual(expect.stringContaining('Non-shareable field "PageInfo.hasNextPage"'));
  });
});
