import { DEFAULT_LIMITS } from '../limits/settings.js';

/**
 * The IBM cost directives the subgraph publishes (`@cost`, `@listSize`, imported through federation v2.9's
 * `@link`), so a gateway doing demand control (Hive Gateway, Apollo Router, Cosmo, Grafbase) refuses an operation
 * too expensive for the vendors before it reaches the graph. A gateway counts 1 for every object a field returns,
 * times the size of every list around it; the weights add what each field costs upstream: one vendor call per
 * unit. Compared with the graph's own estimate (MAX_ESTIMATED_COST) in docs/federation.md#demand-control.
 */

/** Relay's slicing arguments: the page's size is whichever of them is set (both together are refused). */
const PAGE = { slicingArguments: ['first', 'last'], sizedFields: ['edges'] };

/** A page of `conversations`: one list call to every vendor the graph serves (the merge reads each one's next page). */
export function conversationsCost(vendorCount: number) {
  return { cost: vendorCount, listSize: PAGE };
}

/**
 * `conversationAdded`: a subscription keeps every vendor it serves polled (one list call per vendor each
 * LIVE_POLL_INTERVAL_MS, on a feed shared by that vendor's subscribers), so it weighs what a page of `conversations`
 * weighs; it returns one edge at a time, so no list size. Each event's selection costs what it costs in a query.
 */
export function conversationAddedCost(vendorCount: number) {
  return { cost: vendorCount };
}

/** A page of one conversation's messages: one call to its vendor. */
export const MESSAGES_COST = { cost: 1, listSize: PAGE };

/** A conversation's members: at most one call to its vendor; a gateway assumes 10 of them, as the graph does. */
export const MEMBERS_COST = { cost: 1, listSize: { assumedSize: 10 } };

/** `node(id:)`: one look-up. */
export const NODE_COST = { cost: 1 };

/**
 * `nodes(ids:)`: one look-up per id. A gateway cannot size a list argument (slicing arguments are numbers), so it
 * assumes the most ids the graph accepts (MAX_NODE_IDS' default); the graph itself counts the ids sent.
 */
export const NODES_COST = { cost: 1, listSize: { assumedSize: DEFAULT_LIMITS.maxNodeIds } };
