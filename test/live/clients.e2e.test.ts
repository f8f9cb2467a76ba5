import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { getMainDefinition } from '@apollo/client/utilities';
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { print } from 'graphql';
import { createClient, type Client } from 'graphql-sse';
import { Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import { possibleTypes } from '../clients/support.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { okPolls } from '../support/live.js';

/**
 * Real clients over graphql-sse: Apollo Client prepends each event's edge to the cached list
 * (`subscribeToMore`), urql's subscriptionExchange forwards to graphql-sse's client.
 */

const POLL_MS = 150;
const PROVIDER: Provider = 'FLASHBACK';

let graph: TestGraph;
let sse: Client;
beforeAll(async () => {
  graph = await startTestGraph({ only: [PROVIDER], env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
  sse = createClient({ url: graph.url, retryAttempts: 0 });
});
afterAll(async () => {
  sse.dispose();
  await graph.close();
});

async function feedPolled(): Promise<void> {
  const before = await okPolls(graph.graph.observability.registry, PROVIDER);
  await vi.waitFor(async () => expect(await okPolls(graph.graph.observability.registry, PROVIDER)).toBeGreaterThan(before), { interval: 10 });
}

/** Apollo's documented way to use graphql-sse: a terminating link for subscriptions. */
class SseLink extends ApolloLink {
  constructor(private readonly client: Client) {
    super();
  }
  override request(operation: ApolloLink.Operation): Observable<ApolloLink.Result> {
    return new Observable((sink) =>
      this.client.subscribe<Record<string, unknown>>(
        { query: print(operation.query), variables: operation.variables, ...(operation.operationName ? { operationName: operation.operationName } : {}) },
        { next: (value) => sink.next(value as ApolloLink.Result), complete: () => sink.complete(), error: (error) => sink.error(error) },
      ),
    );
  }
}

const LIST = gql`
  query Recent {
    conversations(first: 3) { edges { cursor node { id providerId createdAt } } }
  }
`;
const ADDED = gql`
  subscription Added {
    conversationAdded { cursor node { id providerId createdAt } }
  }
`;

interface Edge {
  cursor: string;
  node: { id: string; providerId: string; createdAt: string };
}

describe('Apollo Client over graphql-sse', () => {
  it('prepends the pushed edge to the cached connection', async () => {
    const apollo = new ApolloClient({
      link: ApolloLink.split(
        ({ query }) => {
          const definition = getMainDefinition(query);
          return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
        },
        new SseLink(sse),
        new HttpLink({ uri: graph.url }),
      ),
      cache: new InMemoryCache({ possibleTypes: possibleTypes() }),
    });
    const query = apollo.watchQuery<{ conversations: { edges: Edge[] } }>({ query: LIST });
    const lists: string[][] = [];
    let notify: () => void = () => undefined;
    const watching = query.subscribe((result) => {
      if (result.dataState !== 'complete') return;
      lists.push((result.data as { conversations: { edges: Edge[] } }).conversations.edges.map((edge) => edge.node.providerId));
      notify();
    });
    const changed = (count: number) =>
      new Promise<void>((resolve) => {
        notify = () => {
          if (lists.length >= count) resolve();
        };
        notify();
      });
    await changed(1);
    const stopMore = query.subscribeToMore<{ conversationAdded: Edge }>({
      document: ADDED,
      updateQuery: (previous, { subscriptionData }) => {
        const edge = subscriptionData.data.conversationAdded;
        const edges = (previous as { conversations: { edges: Edge[] } }).conversations.edges;
        return { conversations: { ...(previous as { conversations: object }).conversations, edges: [edge, ...edges] } } as never;
      },
    });
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(1), { interval: 10 });
    await feedPolled();
    const created = graph.emulators.emulators[PROVIDER]?.addConversation();
    await changed(2);
    expect(lists[1]).toEqual([created?.id, ...(lists[0] as string[])]);
    stopMore();
    watching.unsubscribe();
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(0), { interval: 10 });
    apollo.stop();
  });
});

describe('urql over graphql-sse', () => {
  it("subscriptionExchange forwards to graphql-sse's client and receives the edge", async () => {
    const urql = new UrqlClient({
      url: graph.url,
      exchanges: [
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: sse.subscribe({ ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
        fetchExchange,
      ],
    });
    const received: Edge[] = [];
    let wake: () => void = () => undefined;
    const { unsubscribe } = urql.subscription<{ conversationAdded: Edge }>(print(ADDED), {}).subscribe((result) => {
      if (result.data) received.push(result.data.conversationAdded);
      wake();
    });
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(1), { interval: 10 });
    await feedPolled();
    const created = graph.emulators.emulators[PROVIDER]?.addConversation();
    await new Promise<void>((resolve) => {
      wake = () => received.length > 0 && resolve();
      wake();
    });
    expect(received[0]?.node.providerId).toBe(created?.id);
    expect(received[0]?.cursor).toEqual(expect.any(String));
    unsubscribe();
  });
});
