import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type Client } from 'graphql-sse';
import {
  Environment,
  Network,
  Observable,
  RecordSource,
  Store,
  createOperationDescriptor,
  fetchQuery,
  getFragment,
  getRequest,
  getSingularSelector,
  requestSubscription,
  type ConcreteRequest,
  type Disposable,
  type GraphQLResponse,
  type ReaderFragment,
} from 'relay-runtime';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Provider } from '../../src/domain.js';
import type { Emulator } from '../../src/emulators/framework.js';
import { startTestGraph, type TestGraph } from '../support/graph.js';
import { okPolls } from '../support/live.js';

/**
 * Relay's runtime against the graph: an Environment whose network sends queries over HTTP and subscriptions
 * over graphql-sse's client. relay-compiler compiles test/clients/relay-live/src (the inbox connection with
 * `@connection`, its `@refetchable` pagination query, and `conversationAdded` with `@prependEdge`) against
 * schema/client.graphql as committed into a temporary directory, and the test runs the artifacts it writes.
 * Conversations are added at the emulators through their control endpoints (docs/emulators.md).
 */

const run = promisify(execFile);
const LIVE_DIR = new URL('./relay-live/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const POLL_MS = 150;
const PAGE = 3;

interface Edge {
  cursor: string;
  node: { id: string; provider: Provider; providerId: string; createdAt: string };
}
interface InboxData {
  conversations: { __id: string; edges: Edge[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
}

let graph: TestGraph;
let providers: Provider[];
let workDir: string;
let sse: Client;
let environment: Environment;
const artifacts: Record<string, unknown> = {};

async function compile(): Promise<void> {
  workDir = await mkdtemp(join(tmpdir(), 'relay-live-'));
  await cp(join(LIVE_DIR, 'src'), join(workDir, 'src'), { recursive: true });
  await cp(join(LIVE_DIR, 'relay.config.json'), join(workDir, 'relay.config.json'));
  await cp(join(ROOT, 'schema/client.graphql'), join(workDir, 'client.graphql'));
  await mkdir(join(workDir, '__generated__'));
  // The artifacts import relay-runtime: let them resolve the project's copy.
  await symlink(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  await run(join(ROOT, 'node_modules/.bin/relay-compiler'), [], { cwd: workDir });
  for (const name of ['LiveInboxQuery', 'LiveInbox_query', 'LiveInboxPaginationQuery', 'LiveInboxAddedSubscription']) {
    artifacts[name] = ((await import(join(workDir, '__generated__', `${name}.graphql.ts`))) as { default: unknown }).default;
  }
}

function artifact<T>(name: string): T {
  const found = artifacts[name];
  if (!found) throw new Error(`relay-compiler wrote no ${name}`);
  return found as T;
}

/** The network a Relay app gives its Environment: queries as POSTs, subscriptions through graphql-sse. */
function createEnvironment(url: string, client: Client): Environment {
  const network = Network.create(
    async (params, variables) => {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query: params.text, variables, operationName: params.name }),
      });
      return (await response.body.json()) as GraphQLResponse;
    },
    (params, variables) =>
      Observable.create<GraphQLResponse>((sink) =>
        client.subscribe(
          { query: params.text ?? '', variables, operationName: params.name },
          {
            next: (value) => sink.next(value as GraphQLResponse),
            error: (error) => sink.error(error instanceof Error ? error : new Error(JSON.stringify(error))),
            complete: () => sink.complete(),
          },
        ),
      ),
  );
  return new Environment({ network, store: new Store(new RecordSource()) });
}

/** What `usePaginationFragment` would render: the fragment read from the store through the query's fragment reference. */
function readInbox(variables: Record<string, unknown>): InboxData {
  const operation = createOperationDescriptor(getRequest(artifact<ConcreteRequest>('LiveInboxQuery')), variables);
  const root = environment.lookup(operation.fragment).data;
  const selector = getSingularSelector(getFragment(artifact<ReaderFragment>('LiveInbox_query')), root);
  return environment.lookup(selector).data as unknown as InboxData;
}

/** Adds one conversation at a vendor's emulator over HTTP, as a person would (`POST /__control/conversations`). */
async function addAt(provider: Provider, createdAt: Date): Promise<string> {
  const emulator = graph.emulators.emulators[provider] as Emulator;
  const response = await request(`${emulator.origin}/__control/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ createdAt: createdAt.toISOString() }),
  });
  expect(response.statusCode, provider).toBe(201);
  return ((await response.body.json()) as { id: string }).id;
}

beforeAll(async () => {
  await compile();
  graph = await startTestGraph({ env: { LIVE_POLL_INTERVAL_MS: String(POLL_MS) } });
  providers = [...graph.graph.adapters.keys()];
  sse = createClient({ url: graph.url, retryAttempts: 0 });
  environment = createEnvironment(graph.url, sse);
}, 60_000);

afterAll(async () => {
  sse?.dispose();
  await graph?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('relay-runtime over HTTP and graphql-sse', () => {
  it('prepends each pushed edge to the @connection once, newest first, and pages on from the store cursor', async () => {
    const variables = { count: PAGE, providers };
    const query = createOperationDescriptor(getRequest(artifact<ConcreteRequest>('LiveInboxQuery')), variables);
    const retained = environment.retain(query);
    await fetchQuery(environment, artifact<ConcreteRequest>('LiveInboxQuery'), variables).toPromise();
    const before = readInbox(variables);
    expect(before.conversations.edges).toHaveLength(PAGE);
    const initial = before.conversations.edges.map((edge) => edge.node.id);

    const received: string[] = [];
    const errors: unknown[] = [];
    const polled = Object.fromEntries(await Promise.all(providers.map(async (provider) => [provider, await okPolls(graph.graph.observability.registry, provider)] as const)));
    const subscription: Disposable = requestSubscription(environment, {
      subscription: artifact<ConcreteRequest>('LiveInboxAddedSubscription'),
      variables: { providers, connections: [before.conversations.__id] },
      onNext: (response) => received.push((response as { conversationAdded: Edge }).conversationAdded.node.providerId),
      onError: (error) => errors.push(error),
    });
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(1), { interval: 10 });
    // Every vendor's poller knows its head (its first poll announces nothing).
    await vi.waitFor(
      async () => {
        for (const provider of providers) expect(await okPolls(graph.graph.observability.registry, provider), provider).toBeGreaterThan(polled[provider] ?? 0);
      },
      { timeout: 10_000, interval: 10 },
    );

    // Newer than every seeded conversation, one second apart (some vendors keep whole seconds).
    const base = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000;
    const added: Array<{ provider: Provider; id: string }> = [];
    let instant = base;
    const next = (): Date => new Date((instant += 1000));
    // Three at one vendor at once (one poll finds them together and sends them oldest first)...
    const [burst, ...others] = providers as [Provider, ...Provider[]];
    for (let index = 0; index < 3; index += 1) added.push({ provider: burst, id: await addAt(burst, next()) });
    await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 10 * POLL_MS + 5_000, interval: 10 });
    // ...then one at every other vendor, each after the previous one arrived.
    for (const provider of others) {
      added.push({ provider, id: await addAt(provider, next()) });
      await vi.waitFor(() => expect(received).toHaveLength(added.length), { timeout: 10 * POLL_MS + 5_000, interval: 10 });
    }
    expect(errors).toEqual([]);
    expect(received).toEqual(added.map((entry) => entry.id));

    const live = readInbox(variables).conversations.edges;
    const newestFirst = [...added].reverse();
    expect(live.map((edge) => edge.node.providerId)).toEqual([...newestFirst.map((entry) => entry.id), ...before.conversations.edges.map((edge) => edge.node.providerId)]);
    expect(live.map((edge) => edge.node.provider)).toEqual([...newestFirst.map((entry) => entry.provider), ...before.conversations.edges.map((edge) => edge.node.provider)]);
    expect(new Set(live.map((edge) => edge.node.id)).size).toBe(live.length);
    const instants = live.map((edge) => Date.parse(edge.node.createdAt));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));
    expect(live.slice(added.length).map((edge) => edge.node.id)).toEqual(initial);

    // Paging on as usePaginationFragment's loadNext does: the pagination query from the store's endCursor.
    const stored = readInbox(variables).conversations.pageInfo;
    expect(stored.hasNextPage).toBe(true);
    await fetchQuery(environment, artifact<ConcreteRequest>('LiveInboxPaginationQuery'), { count: PAGE, cursor: stored.endCursor, providers }).toPromise();
    const paged = readInbox(variables).conversations.edges.map((edge) => edge.node.id);
    expect(paged).toHaveLength(added.length + 2 * PAGE);
    expect(new Set(paged).size).toBe(paged.length);
    // The store now holds what one plain query of the whole head returns.
    const plain = await graph.query<{ conversations: { edges: Array<{ node: { id: string } }> } }>(
      'query Plain($first: Int, $providers: [Provider!]) { conversations(first: $first, providers: $providers) { edges { node { id } } } }',
      { first: added.length + 2 * PAGE, providers },
    );
    expect(plain.errors).toBeUndefined();
    expect(paged).toEqual(plain.data?.conversations.edges.map((edge) => edge.node.id));

    subscription.dispose();
    retained.dispose();
    await vi.waitFor(() => expect(graph.graph.live?.active()).toBe(0), { interval: 10 });
  });
});
