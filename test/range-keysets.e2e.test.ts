import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import type { Emulator } from '../src/emulators/framework.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

/**
 * The vendors' own range filters as keysets (issue 23, docs/live-inbox.md "Range keysets"): a page resumed
 * from a cursor asks the vendor for its list cut at the walk's bound, so a list that shifted under the
 * cursor's offset costs no re-anchor — one request, from offset 0 of the cut — and ties at the bound's
 * instant are neither repeated nor skipped. Over real HTTP against the emulators.
 */

interface RangedVendor {
  provider: Provider;
  /** Whether a list request is cut at the bound (forward: up to it), read from its query string. */
  forwardCut(search: URLSearchParams, boundMs: number): boolean;
  /** The same backward (from it, oldest first); absent where the vendor has no ascending order. */
  backwardCut?(search: URLSearchParams, boundMs: number): boolean;
  /** Requests a resumed page costs when every list it reads is cut at the bound (default 1; Chatbase: one per chatbot). */
  requests?: number;
  /** The same for a backward page whose list grew at the head (default: `requests`). */
  backwardRequests?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => iso(ms).slice(0, 10);

const RANGED: RangedVendor[] = [
  // `to` one millisecond past the bound (inclusive or not, the bound's instant is in the answer), from skip 0.
  // Backward, `from` one millisecond before it: newest first, so the bound is the cut's tail, placed by the
  // answer's total — a list grown at the head by more than the window's slack moves it out of the answer, and
  // the window is asked again where the total says (two requests; one on a still list).
  {
    provider: 'FLASHBACK',
    forwardCut: (search, bound) => search.get('to') === iso(bound + 1) && search.get('skip') === '0',
    backwardCut: (search, bound) => search.get('from') === iso(bound - 1) && search.get('to') === null,
    backwardRequests: 2,
  },
  {
    provider: 'SYMBL',
    forwardCut: (search, bound) => (search.get('filter') ?? '').includes(`conversation.startTime=lt="${iso(bound + 1)}"`) && search.get('offset') === '0',
    backwardCut: (search, bound) => search.get('startTime') === iso(bound - 1) && search.get('order') === 'asc' && search.get('offset') === '0',
  },
  // `$filter` AND-ed with `created_time le` one millisecond past the bound (`ge` one before it, oldest first), from `$skip` 0.
  {
    provider: 'MOVEWORKS_DATA',
    forwardCut: (search, bound) =>
      (search.get('$filter') ?? '').includes(`created_time le ${iso(bound + 1)}`) &&
      search.get('$orderby') === 'created_time desc,id desc' &&
      search.get('$skip') === '0',
    backwardCut: (search, bound) =>
      (search.get('$filter') ?? '').includes(`created_time ge ${iso(bound - 1)}`) &&
      search.get('$orderby') === 'created_time asc,id asc' &&
      search.get('$skip') === '0',
  },
  // By whole UTC days (inclusive `endDate`): the bound's own day, from page 1; the rest of the day dropped by key.
  {
    provider: 'CHATBASE',
    forwardCut: (search, bound) => search.get('endDate') === day(bound) && search.get('page') === '1',
    requests: 3,
  },
];

interface Node {
  providerId: string;
  createdAt: string;
}
interface Page {
  conversations: {
    totalCount?: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Array<{ node: Node }>;
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers, filter: $filter) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { providerId createdAt } }
    }
  }
`;
const COUNT = /* GraphQL */ `
  query ($providers: [Provider!], $filter: ConversationFilter, $after: String, $before: String) {
    conversations(first: 1, after: $after, before: $before, providers: $providers, filter: $filter) { totalCount }
  }
`;

let graph: TestGraph | null = null;
afterEach(async () => {
  await graph?.close();
  graph = null;
});

/** The vendor's list as the graph orders it: newest first, ties by id descending. */
function truth(emulator: Emulator, filter?: { from?: number; to?: number }): Node[] {
  return emulator
    .liveConversations()
    .filter((c) => (filter?.from === undefined || Date.parse(c.createdAt) >= filter.from) && (filter?.to === undefined || Date.parse(c.createdAt) < filter.to))
    .map((c) => ({ providerId: c.id, createdAt: new Date(Date.parse(c.createdAt)).toISOString() }))
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.providerId < b.providerId ? 1 : a.providerId > b.providerId ? -1 : 0));
}

async function start(provider: Provider): Promise<Emulator> {
  graph = await startTestGraph({ only: [provider], emulators: { only: [provider], size: 40 } });
  return graph.emulators.emulators[provider] as Emulator;
}

async function page(variables: Record<string, unknown>): Promise<Page['conversations']> {
  const response = await graph!.query<Page>(PAGE, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data!.conversations;
}

describe.each(RANGED)('$provider: the range filter is the keyset', (vendor) => {
  const providers = [vendor.provider];

  it('forward: a list shifted under the cursor (deletions before it, arrivals at the head) costs one request per list, cut at the bound', async () => {
    const emulator = await start(vendor.provider);
    const first = await page({ providers, first: 8 });
    const shown = first.edges.map((edge) => edge.node);
    const bound = shown[shown.length - 1] as Node;
    // Six of the page's conversations deleted and three new ones at the head: offset 8 now points 3 items past the bound.
    for (const node of shown.slice(0, 6)) expect(emulator.deleteConversation(node.providerId)).toBe(true);
    for (let i = 0; i < 3; i += 1) emulator.addConversation();
    const before = emulator.requestLog.length;
    const second = await page({ providers, first: 8, after: first.pageInfo.endCursor });
    const requests = emulator.requestLog.slice(before);
    expect(requests).toHaveLength(vendor.requests ?? 1);
    for (const request of requests) expect(vendor.forwardCut(new URLSearchParams(request.search), Date.parse(bound.createdAt)), request.search).toBe(true);
    const list = truth(emulator);
    const at = list.findIndex((node) => node.providerId === bound.providerId);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(second.edges.map((edge) => edge.node)).toEqual(list.slice(at + 1, at + 9));
    // totalCount stays the count of the user's filter, not of the cut.
    const count = await graph!.query<Page>(COUNT, { providers, after: second.pageInfo.endCursor });
    expect(count.data?.conversations.totalCount).toBe(list.length);
  });

  it('forward, within a createdAt window: the cut is intersected with it', async () => {
    const emulator = await start(vendor.provider);
    const all = truth(emulator);
    const from = Date.parse((all[30] as Node).createdAt);
    const to = Date.parse((all[5] as Node).createdAt);
    const filter = { createdAt: { from: iso(from), to: iso(to) } };
    const expected = truth(emulator, { from, to });
    const listed: Node[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const result: Page['conversations'] = await page({ providers, filter, first: 7, after: cursor });
      listed.push(...result.edges.map((edge) => edge.node));
      if (!result.pageInfo.hasNextPage) break;
      cursor = result.pageInfo.endCursor;
      emulator.addConversation();
    }
    expect(listed).toEqual(expected);
    const count = await graph!.query<Page>(COUNT, { providers, filter, after: cursor });
    expect(count.data?.conversations.totalCount).toBe(expected.length);
  });

  it('ties at the bound instant: each conversation of the instant once, in order, however the pages cut it', async () => {
    const emulator = await start(vendor.provider);
    const middle = Date.parse((truth(emulator)[12] as Node).createdAt) - 1;
    for (let i = 0; i < 9; i += 1) emulator.addConversation({ createdAt: new Date(middle) });
    const expected = truth(emulator);
    for (const size of [2, 3, 4]) {
      const listed: Node[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 200; pages += 1) {
        const result: Page['conversations'] = await page({ providers, first: size, after: cursor });
        listed.push(...result.edges.map((edge) => edge.node));
        if (!result.pageInfo.hasNextPage) break;
        cursor = result.pageInfo.endCursor;
      }
      expect(listed, `pages of ${size}`).toEqual(expected);
    }
  });

  it('backward: a list grown at the head under the cursor lists exactly what precedes the bound; cut at it where the vendor can', async () => {
    const emulator = await start(vendor.provider);
    const last = await page({ providers, last: 8 });
    const shown = last.edges.map((edge) => edge.node);
    const bound = shown[0] as Node;
    // Twelve new at the head: more than Flashback's tail cut widens its window by (TAIL_CUT_SLACK).
    for (let i = 0; i < 12; i += 1) emulator.addConversation();
    for (const node of shown.slice(2)) emulator.deleteConversation(node.providerId);
    const before = emulator.requestLog.length;
    const previous = await page({ providers, last: 8, before: last.pageInfo.startCursor });
    const requests = emulator.requestLog.slice(before);
    if (vendor.backwardCut) {
      expect(requests).toHaveLength(vendor.backwardRequests ?? vendor.requests ?? 1);
      for (const request of requests) expect(vendor.backwardCut(new URLSearchParams(request.search), Date.parse(bound.createdAt)), request.search).toBe(true);
    }
    const list = truth(emulator);
    const at = list.findIndex((node) => node.providerId === bound.providerId);
    expect(previous.edges.map((edge) => edge.node)).toEqual(list.slice(Math.max(0, at - 8), at));
  });

  it.runIf(vendor.backwardCut)('backward on a still list: one request per list, cut at the bound', async () => {
    const emulator = await start(vendor.provider);
    const last = await page({ providers, last: 8 });
    const bound = last.edges[0]!.node;
    const before = emulator.requestLog.length;
    const previous = await page({ providers, last: 8, before: last.pageInfo.startCursor });
    const requests = emulator.requestLog.slice(before);
    expect(requests).toHaveLength(vendor.requests ?? 1);
    for (const request of requests) expect(vendor.backwardCut!(new URLSearchParams(request.search), Date.parse(bound.createdAt)), request.search).toBe(true);
    const list = truth(emulator);
    const at = list.findIndex((node) => node.providerId === bound.providerId);
    expect(previous.edges.map((edge) => edge.node)).toEqual(list.slice(Math.max(0, at - 8), at));
  });

  it('backward ties at the bound instant: each once, in order', async () => {
    const emulator = await start(vendor.provider);
    const middle = Date.parse((truth(emulator)[25] as Node).createdAt) + 1;
    for (let i = 0; i < 9; i += 1) emulator.addConversation({ createdAt: new Date(middle) });
    const expected = truth(emulator);
    for (const size of [2, 3, 4]) {
      const listed: Node[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 200; pages += 1) {
        const result: Page['conversations'] = await page({ providers, last: size, before: cursor });
        listed.unshift(...result.edges.map((edge) => edge.node));
        if (!result.pageInfo.hasPreviousPage) break;
        cursor = result.pageInfo.startCursor;
      }
      expect(listed, `pages of ${size}`).toEqual(expected);
    }
  });
});

describe('FLASHBACK: the backward tail cut', () => {
  it('is widened only where that costs no more calls: a backward page of 99 from a cursor is one request of 100', async () => {
    graph = await startTestGraph({ only: ['FLASHBACK'], emulators: { only: ['FLASHBACK'], size: 250 } });
    const emulator = graph.emulators.emulators.FLASHBACK as Emulator;
    const providers = ['FLASHBACK'];
    const last = await page({ providers, last: 99 });
    const bound = last.edges[0]!.node;
    const before = emulator.requestLog.length;
    const previous = await page({ providers, last: 99, before: last.pageInfo.startCursor });
    const requests = emulator.requestLog.slice(before);
    expect(requests.map((request) => new URLSearchParams(request.search).get('take'))).toEqual(['100']);
    const list = truth(emulator);
    const at = list.findIndex((node) => node.providerId === bound.providerId);
    expect(previous.edges.map((edge) => edge.node)).toEqual(list.slice(Math.max(0, at - 99), at));
  });
});
