import { afterEach, describe, expect, it } from 'vitest';
import type { Provider } from '../src/domain.js';
import { PROVIDERS } from '../src/vendors/vendors.js';
import type { Emulator } from '../src/emulators/framework.js';
import { createRandom, type Random } from '../src/emulators/random.js';
import { startTestGraph, type GraphQLResponse, type TestGraph } from './support/graph.js';

/**
 * The walk contract over a live inbox (issue 23, item 1): walks over HTTP
 * against the emulators while they gain, lose and update conversations
 * between pages. Whatever changes:
 * - no conversation twice;
 * - the order holds (newest createdAt first; ties by provider order, then vendor id descending);
 * - every conversation that matches the filter and exists for the whole walk appears exactly once;
 * - a forward walk from the head never lists a conversation added after its first page was served;
 * - ones deleted mid-walk may or may not appear (and in a backward walk, ones added mid-walk at the head it
 *   walks toward).
 */

interface Node {
  provider: Provider;
  providerId: string;
  createdAt: string;
}
interface Page {
  conversations: {
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
    edges: Array<{ node: Node }>;
  };
}

const PAGE = /* GraphQL */ `
  query ($first: Int, $after: String, $last: Int, $before: String, $providers: [Provider!], $filter: ConversationFilter) {
    conversations(first: $first, after: $after, last: $last, before: $before, providers: $providers, filter: $filter) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { node { provider providerId createdAt } }
    }
  }
`;

const ANCHOR = new Date('2026-11-01T00:00:00Z');

/** Changes per vendor between two pages. */
interface Rate {
  name: string;
  /** Conversations added created now (wall clock). */
  addNow: number;
  /** Conversations added dated just after the seeded ones (after every existing one, before now). */
  addJustAfter: number;
  deletes: number;
  touches: number;
}
const LIGHT: Rate = { name: 'light (2 added, 2 deleted, 1 updated per vendor per page)', addNow: 1, addJustAfter: 1, deletes: 2, touches: 1 };
/** More changes between two pages than a page holds (pages are at most 12). */
const HEAVY: Rate = { name: 'heavy (more changes between two pages than a page holds)', addNow: 10, addJustAfter: 8, deletes: 14, touches: 6 };

const key = (provider: Provider, id: string): string => `${provider}/${id}`;

interface Violations {
  duplicates: number;
  skips: number;
  lateArrivals: number;
  misordered: number;
}

interface WalkSpec {
  providers: Provider[];
  direction: 'forward' | 'backward';
  rate: Rate;
  seed: number;
  filter?: { createdAt?: { from?: string; to?: string } };
  /** A fixed page size (default: seeded random sizes 1–12). */
  pageSize?: number;
}

let graph: TestGraph | null = null;
afterEach(async () => {
  await graph?.close();
  graph = null;
});

/** Applies one round of changes to a vendor's emulator; records what was added and deleted. */
function mutate(
  provider: Provider,
  emulator: Emulator,
  random: Random,
  rate: Rate,
  round: number,
  added: { now: Set<string>; backdated: Set<string> },
  deleted: Set<string>,
  backwardTurn: { mine: boolean } | null,
): void {
  // A backward walk walks toward the head, where additions land: the test adds there at most one a page in all
  // (one vendor in turn), or a walk that reads fewer than arrive would never end.
  const adds = !backwardTurn ? rate : { ...rate, addNow: backwardTurn.mine && rate.addNow + rate.addJustAfter > 0 ? 1 : 0, addJustAfter: 0 };
  for (let i = 0; i < adds.addNow; i += 1) added.now.add(key(provider, emulator.addConversation().id));
  for (let i = 0; i < adds.addJustAfter; i += 1) {
    // Dated after every seeded conversation (the seeded ones end a minute before the anchor) but in the past.
    const createdAt = new Date(ANCHOR.getTime() + round * 1000 + i);
    added.backdated.add(key(provider, emulator.addConversation({ createdAt }).id));
  }
  for (let i = 0; i < rate.deletes; i += 1) {
    const ids = emulator.conversationIds();
    const id = ids[random.int(0, ids.length - 1)];
    if (id !== undefined && emulator.deleteConversation(id)) deleted.add(key(provider, id));
  }
  for (let i = 0; i < rate.touches; i += 1) {
    const ids = emulator.conversationIds();
    const id = ids[random.int(0, ids.length - 1)];
    if (id !== undefined) emulator.touchConversation(id);
  }
}

function inRange(createdAtMs: number, filter: WalkSpec['filter']): boolean {
  const from = filter?.createdAt?.from ? Date.parse(filter.createdAt.from) : null;
  const to = filter?.createdAt?.to ? Date.parse(filter.createdAt.to) : null;
  return (from === null || createdAtMs >= from) && (to === null || createdAtMs < to);
}

/** One walk while the emulators change between pages; the contract's violations counted. */
async function liveWalk(spec: WalkSpec): Promise<{ violations: Violations; summary: string; callsPerPage: number }> {
  graph = await startTestGraph({
    only: spec.providers,
    // The walk's truth is every conversation the emulators hold: Intercom's default AI-only scope would hide some.
    env: { INTERCOM_AI_ONLY: 'false' },
    // Moveworks Conversations reads upstream pages of 100: it needs several for a walk to meet moved conversations.
    emulators: { only: spec.providers, size: 40, sizes: { CHATBASE: 14, MOVEWORKS_CONVERSATIONS: 320 } },
  });
  const emulators = spec.providers.map((provider) => [provider, graph!.emulators.emulators[provider] as Emulator] as const);
  const random = createRandom(spec.seed);
  const initial = new Map<string, number>();
  for (const [provider, emulator] of emulators) {
    for (const conversation of emulator.liveConversations()) initial.set(key(provider, conversation.id), Date.parse(conversation.createdAt));
  }
  const added = { now: new Set<string>(), backdated: new Set<string>() };
  const deleted = new Set<string>();
  const listed: Node[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let upstream = 0;
  const calls = (): number => emulators.reduce((sum, [, emulator]) => sum + emulator.requestLog.length, 0);
  for (;;) {
    const size = spec.pageSize ?? random.int(1, 12);
    const callsBefore = calls();
    const window = spec.direction === 'forward' ? { first: size, after: cursor } : { last: size, before: cursor };
    const response: GraphQLResponse<Page> = await graph.query<Page>(PAGE, { providers: spec.providers, filter: spec.filter, ...window });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    upstream += calls() - callsBefore;
    const connection: Page['conversations'] = response.data!.conversations;
    pages += 1;
    const nodes = connection.edges.map((edge) => edge.node);
    if (spec.direction === 'forward') listed.push(...nodes);
    else listed.unshift(...nodes);
    const more = spec.direction === 'forward' ? connection.pageInfo.hasNextPage : connection.pageInfo.hasPreviousPage;
    if (!more) break;
    cursor = spec.direction === 'forward' ? connection.pageInfo.endCursor : connection.pageInfo.startCursor;
    if (pages > 400) throw new Error('the walk did not end');
    emulators.forEach(([provider, emulator], index) =>
      mutate(provider, emulator, random, spec.rate, pages, added, deleted, spec.direction === 'backward' ? { mine: pages % emulators.length === index } : null),
    );
  }

  const seen = new Map<string, number>();
  for (const node of listed) seen.set(key(node.provider, node.providerId), (seen.get(key(node.provider, node.providerId)) ?? 0) + 1);
  const duplicates = [...seen.values()].filter((count) => count > 1).length;
  let skips = 0;
  let firstSkip: string | undefined;
  for (const [id, createdAtMs] of initial) {
    if (!deleted.has(id) && inRange(createdAtMs, spec.filter) && !seen.has(id)) {
      skips += 1;
      firstSkip ??= `${id}@${new Date(createdAtMs).toISOString()}`;
    }
  }
  const late = spec.direction === 'forward' ? [...added.now, ...added.backdated] : [];
  const lateArrivals = late.filter((id) => seen.has(id)).length;
  const rank = (provider: Provider): number => spec.providers.indexOf(provider);
  let misordered = 0;
  let firstMisorder: string | undefined;
  for (let i = 1; i < listed.length; i += 1) {
    const a = listed[i - 1] as Node;
    const b = listed[i] as Node;
    const order =
      Date.parse(b.createdAt) - Date.parse(a.createdAt) ||
      rank(a.provider) - rank(b.provider) ||
      (a.providerId === b.providerId ? 0 : a.providerId < b.providerId ? 1 : -1);
    if (order > 0) {
      misordered += 1;
      firstMisorder ??= `${a.provider}/${a.providerId}@${a.createdAt} before ${b.provider}/${b.providerId}@${b.createdAt}`;
    }
  }
  const violations = { duplicates, skips, lateArrivals, misordered };
  const summary = `${JSON.stringify(violations)} in ${pages} pages, ${listed.length} listed, ${(upstream / pages).toFixed(2)} upstream calls per page${firstMisorder ? `; first out of order: ${firstMisorder}` : ''}${firstSkip ? `; first skipped: ${firstSkip}` : ''}`;
  return { violations, summary, callsPerPage: upstream / pages };
}

const NONE: Violations = { duplicates: 0, skips: 0, lateArrivals: 0, misordered: 0 };

describe.each(['forward', 'backward'] as const)('a %s walk while the inbox changes between pages', (direction) => {
  describe.each([LIGHT, HEAVY])('$name', (rate) => {
    it.each(PROVIDERS.map((provider, index) => [provider, index] as const))('%s alone keeps the walk contract', async (provider, index) => {
      const result = await liveWalk({ providers: [provider], direction, rate, seed: 100 + index + (rate === HEAVY ? 50 : 0) });
      console.log(`${provider} ${direction} ${rate.name}: ${result.summary}`);
      expect(result.violations, `${provider} ${direction} ${rate.name}: ${result.summary}`).toEqual(NONE);
    });

    it('the merged inbox of every vendor keeps the walk contract', async () => {
      const result = await liveWalk({ providers: [...PROVIDERS], direction, rate, seed: rate === HEAVY ? 7 : 3 });
      console.log(`merged ${direction} ${rate.name}: ${result.summary}`);
      expect(result.violations, `merged ${direction} ${rate.name}: ${result.summary}`).toEqual(NONE);
    });
  });

  it('the merged inbox within a createdAt window keeps the walk contract', async () => {
    const filter = { createdAt: { from: '2026-07-01T00:00:00Z', to: '2026-10-20T00:00:00Z' } };
    const result = await liveWalk({ providers: [...PROVIDERS], direction, rate: LIGHT, seed: 21, filter });
    expect(result.violations, `merged window ${direction}: ${result.summary}`).toEqual(NONE);
  });
});

/** What a walk costs (pages of 20), on a still inbox and a live one: the figures docs/live-inbox.md states. */
describe('upstream calls per page of 20', () => {
  const STILL: Rate = { name: 'still', addNow: 0, addJustAfter: 0, deletes: 0, touches: 0 };
  it.each([
    ...PROVIDERS.map((provider) => [provider, [provider]] as const),
    ['merged', [...PROVIDERS]] as const,
  ])('%s', async (name, providers) => {
    const lines: string[] = [];
    const results: Awaited<ReturnType<typeof liveWalk>>[] = [];
    for (const direction of ['forward', 'backward'] as const) {
      for (const rate of [STILL, LIGHT]) {
        const result = await liveWalk({ providers: [...providers], direction, rate, seed: 5, pageSize: 20 });
        results.push(result);
        lines.push(`${direction} ${rate === STILL ? 'still' : 'light'} ${result.callsPerPage.toFixed(2)}`);
        await graph?.close();
        graph = null;
      }
    }
    console.log(`calls per page of 20, ${name}: ${lines.join(', ')}`);
    for (const result of results) expect(result.violations, result.summary).toEqual(NONE);
  });
});

/** Where a vendor leaves no exact way, the answer says so: `extensions.warnings`, coded, never silent. */
describe('warnings where no exact way exists', () => {
  type Warned = GraphQLResponse<Page> & { extensions?: { warnings?: { code: string; provider?: string }[] } };
  it('a backward page of Moveworks Conversations comes from its scan index; forward from it, moved ones are not followed', async () => {
    graph = await startTestGraph({ only: ['MOVEWORKS_CONVERSATIONS'], emulators: { only: ['MOVEWORKS_CONVERSATIONS'] } });
    const providers = ['MOVEWORKS_CONVERSATIONS'];
    const head = (await graph.query<Page>(PAGE, { providers, first: 5 })) as Warned;
    expect(head.extensions?.warnings).toBeUndefined();
    const next = (await graph.query<Page>(PAGE, { providers, first: 5, after: head.data!.conversations.pageInfo.endCursor })) as Warned;
    expect(next.extensions?.warnings).toBeUndefined();
    const back = (await graph.query<Page>(PAGE, { providers, last: 5 })) as Warned;
    expect(back.extensions?.warnings).toEqual([expect.objectContaining({ code: 'WALK_FROM_SNAPSHOT', provider: 'MOVEWORKS_CONVERSATIONS' })]);
    const middle = (await graph.query<Page>(PAGE, { providers, last: 5, before: back.data!.conversations.pageInfo.startCursor })) as Warned;
    const forward = (await graph.query<Page>(PAGE, { providers, first: 5, after: middle.data!.conversations.pageInfo.endCursor })) as Warned;
    expect(forward.errors).toBeUndefined();
    expect(forward.extensions?.warnings).toEqual([expect.objectContaining({ code: 'WALK_MOVED_UNTRACKED', provider: 'MOVEWORKS_CONVERSATIONS' })]);
  });
});
