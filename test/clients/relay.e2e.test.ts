import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../support/graph.js';
import { VENDORS } from '../../src/vendors/vendors.js';

/**
 * relay-compiler (the binary the npm package ships) compiles the fragments in
 * test/clients/relay/src — `@connection` and `@refetchable` on the
 * conversations connection, on a conversation's messages, on a message and on
 * a person — against schema/client.graphql as committed (the API schema, which
 * relay-compiler reads as it is), into a temporary directory. The queries it writes are then
 * run against the graph, as Relay's runtime would send them.
 */

const run = promisify(execFile);
const RELAY_DIR = new URL('./relay/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

let graph: TestGraph;
let workDir: string;
let compilerOutput: string;
const operations = new Map<string, string>();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'relay-'));
  await cp(join(RELAY_DIR, 'src'), join(workDir, 'src'), { recursive: true });
  await cp(join(RELAY_DIR, 'relay.config.json'), join(workDir, 'relay.config.json'));
  await cp(join(ROOT, 'schema/client.graphql'), join(workDir, 'client.graphql'));
  await mkdir(join(workDir, '__generated__'));
  const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin/relay-compiler'), [], { cwd: workDir });
  compilerOutput = stdout + stderr;
  for (const file of await readdir(join(workDir, '__generated__'))) {
    const source = await readFile(join(workDir, '__generated__', file), 'utf8');
    const text = /"text": ("(?:[^"\\]|\\.)*")/.exec(source)?.[1];
    if (text) operations.set(file.replace(/\.graphql\.ts$/, ''), JSON.parse(text) as string);
  }
  graph = await startTestGraph();
}, 60_000);

afterAll(async () => {
  await graph?.close();
  await rm(workDir, { recursive: true, force: true });
});

function operation(name: string): string {
  const text = operations.get(name);
  if (!text) throw new Error(`relay-compiler wrote no ${name}; it said:\n${compilerOutput}`);
  return text;
}

async function execute<T>(name: string, variables: Record<string, unknown>): Promise<T> {
  const response: GraphQLResponse<T> = await graph.query<T>(operation(name), variables);
  expect(response.errors, name).toBeUndefined();
  return response.data as T;
}

interface ListPage {
  conversations: {
    edges: Array<{ cursor: string; node: { id: string; provider: string; messages: MessagesPage['messages'] } }>;
    pageInfo: { endCursor: string; hasNextPage: boolean };
  };
}
interface MessagesPage {
  messages: {
    edges: Array<{ cursor: string; node: { id: string; text: string; sender: { id: string; displayName: string | null } | null } }>;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
}

describe('relay-compiler against schema/client.graphql, and its queries against the graph', () => {
  it('reads the committed client schema as it is', async () => {
    expect(await readFile(join(workDir, 'client.graphql'), 'utf8')).toBe(await readFile(join(ROOT, 'schema/client.graphql'), 'utf8'));
    expect(compilerOutput).not.toMatch(/error|panic/i);
  });

  it('compiles the @connection/@refetchable fragments into refetch and pagination queries', () => {
    expect([...operations.keys()].sort()).toEqual([
      'ConversationListPaginationQuery',
      'ConversationListQuery',
      'ConversationMessagesPaginationQuery',
      'MessageRowRefetchQuery',
      'PersonChipRefetchQuery',
    ]);
  });

  it('pages the conversations connection with the compiled pagination query', async () => {
    const first = await execute<ListPage>('ConversationListPaginationQuery', { count: 4, cursor: null, providers: null });
    const second = await execute<ListPage>('ConversationListPaginationQuery', {
      count: 4,
      cursor: first.conversations.pageInfo.endCursor,
      providers: null,
    });
    const walked = [...first.conversations.edges, ...second.conversations.edges].map((edge) => edge.node.id);
    const plain = await execute<ListPage>('ConversationListPaginationQuery', { count: 8, cursor: null, providers: null });
    expect(walked).toEqual(plain.conversations.edges.map((edge) => edge.node.id));
    // The root query spreads the same fragment with its defaults.
    const root = await execute<ListPage>('ConversationListQuery', { providers: ['SYMBL'] });
    expect(new Set(root.conversations.edges.map((edge) => edge.node.provider))).toEqual(new Set(['SYMBL']));
  });

  it("refetches a conversation's messages through node(id:) and pages them, for every vendor with messages", async () => {
    for (const provider of VENDORS.filter((vendor) => vendor.capabilities.messages).map((vendor) => vendor.provider)) {
      const list = await execute<ListPage>('ConversationListPaginationQuery', { count: 10, cursor: null, providers: [provider] });
      const conversation = list.conversations.edges.find((edge) => edge.node.messages.edges.length >= 2)?.node;
      if (!conversation) throw new Error(`no ${provider} conversation with messages on the first page`);
      const firstPage = await execute<{ node: MessagesPage }>('ConversationMessagesPaginationQuery', { id: conversation.id, count: 1, cursor: null });
      const secondPage = await execute<{ node: MessagesPage }>('ConversationMessagesPaginationQuery', {
        id: conversation.id,
        count: 1,
        cursor: firstPage.node.messages.pageInfo.endCursor,
      });
      const paged = [...firstPage.node.messages.edges, ...secondPage.node.messages.edges].map((edge) => edge.node.id);
      expect(paged, provider).toEqual(conversation.messages.edges.slice(0, 2).map((edge) => edge.node.id));
    }
  });

  it('refetches one message and one person with their compiled refetch queries', async () => {
    const list = await execute<ListPage>('ConversationListPaginationQuery', { count: 10, cursor: null, providers: ['MOVEWORKS_DATA'] });
    const message = list.conversations.edges
      .flatMap((edge) => edge.node.messages.edges.map((messageEdge) => messageEdge.node))
      .find((candidate) => candidate.sender !== null);
    if (!message?.sender) throw new Error('no message with a sender');
    const refetched = await execute<{ node: { id: string; text: string } }>('MessageRowRefetchQuery', { id: message.id });
    expect(refetched.node).toMatchObject({ id: message.id, text: message.text });
    const person = await execute<{ node: { id: string; displayName: string | null } }>('PersonChipRefetchQuery', { id: message.sender.id });
    expect(person.node).toMatchObject({ id: message.sender.id, displayName: message.sender.displayName });
  });
});
