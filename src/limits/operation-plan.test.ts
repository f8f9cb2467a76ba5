import { parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema, schemaFor } from '../schema/index.js';
import type { VendorSettings } from '../vendors/vendor-module.js';
import { PROVIDERS, VENDORS } from '../vendors/vendors.js';
import { checkOperation, MAX_PLANNED_FIELDS, type OperationLimits } from './operation-check.js';
import { DEFAULT_LIMITS } from './settings.js';

/**
 * checkOperation keeps a plan per (schema, document, operation) and evaluates only what the variables decide per
 * request: the same document object, checked again with other variables, another operation name, another schema
 * or other limits, must answer what a fresh parse of the same text answers.
 */

const limits: OperationLimits = {
  ...DEFAULT_LIMITS,
  maxPageSize: 100,
  configuredProviders: PROVIDERS,
  vendors: VENDORS,
  vendorConfigs: { [PROVIDERS[1]]: { baseUrl: 'https://vendor.invalid', apiKey: 'k', chatbotIds: ['a', 'b'] } as VendorSettings },
};

type Answer = ReturnType<typeof checkOperation>;

/** What a caller sees: messages, extensions and paths of the errors, in order, and the estimate. */
const seen = (answer: Answer) => ({
  errors: answer.errors.map((error) => ({ message: error.message, extensions: error.extensions, path: error.path })),
  estimate: answer.estimate,
});

/** The answer for the same document object, and (the reference) for a fresh parse of its text. */
function both(document: DocumentNode, text: string, operationName: string | null, variables: Record<string, unknown>, using: OperationLimits = limits, on = schema) {
  const reused = seen(checkOperation(on, document, operationName, variables, using));
  const fresh = seen(checkOperation(on, parse(text), operationName, variables, using));
  expect(reused).toEqual(fresh);
  return reused;
}

describe('one plan per document, evaluated per request', () => {
  const text = /* GraphQL */ `
    query Page($n: Int, $after: String, $m: Int = 5) {
      conversations(first: $n, after: $after) {
        totalCount
        edges { node { id messages(first: $m) { edges { node { text } } } } }
      }
    }
  `;

  it('the same document object with other variables gives their own estimate, errors and paths', () => {
    const document = parse(text);
    const small = both(document, text, null, { n: 1 });
    expect(small.errors).toEqual([]);
    const large = both(document, text, null, { n: 100, m: 100 });
    expect(large.estimate.upstreamCalls).toBeGreaterThan(small.estimate.upstreamCalls);
    expect(large.estimate.cost).toBeGreaterThan(small.estimate.cost);

    const refused = both(document, text, null, { n: 101, m: -1, after: 'x'.repeat(5000) });
    expect(refused.errors.map((error) => [error.extensions.code, error.extensions.argument, error.path])).toEqual([
      ['BAD_USER_INPUT', 'after', ['conversations']],
      ['BAD_USER_INPUT', 'first', ['conversations']],
      ['BAD_USER_INPUT', 'first', ['conversations', 'edges', 'node', 'messages']],
    ]);
    // Variables that do not coerce: nothing (execution answers them), then the first answer again.
    expect(both(document, text, null, { n: 'many' })).toEqual({ errors: [], estimate: { cost: 0, upstreamCalls: 0, depth: 0 } });
    expect(both(document, text, null, { n: 1 })).toEqual(small);
  });

  it('an argument that does not coerce for one variable set skips its field for that set only', () => {
    const nodeText = /* GraphQL */ `
      query One($id: ID = "default") { node(id: $id) { id ... on Conversation { messages(first: 5) { edges { node { text } } } } } }
    `;
    const document = parse(nodeText);
    // `null` for the non-null `id`: the argument does not coerce, the field is counted but not walked.
    const skipped = both(document, nodeText, null, { id: null });
    expect(skipped.estimate).toEqual({ cost: 1, upstreamCalls: 0, depth: 1 });
    const walked = both(document, nodeText, null, { id: 'an id' });
    expect(walked.estimate.upstreamCalls).toBe(2);
    expect(walked.estimate.depth).toBe(5);
    expect(both(document, nodeText, null, { id: null })).toEqual(skipped);
    expect(both(document, nodeText, null, { id: 'x'.repeat(2000) }).errors.map((error) => error.path)).toEqual([['node']]);
  });

  it('two operations of one document are planned apart, by name; no name picks none of them', () => {
    const twoText = /* GraphQL */ `
      query List($n: Int) { conversations(first: $n) { edges { node { id } } } }
      query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id ...Messages } }
      fragment Messages on Conversation { messages(last: 2) { edges { node { text } } } }
    `;
    const document = parse(twoText);
    const ids = Array.from({ length: 30 }, (_, index) => `id${index}`);
    const variables = { n: 3, ids };
    const lookup = both(document, twoText, 'Lookup', variables);
    const list = both(document, twoText, 'List', variables);
    // nodes 1, id and messages 30 each, edges 30, node and text 2 × 30 each; one call per id and per messages.
    expect(lookup.estimate).toEqual({ cost: 1 + 30 + 30 + 30 + 60 + 60, upstreamCalls: 30 + 30, depth: 5 });
    expect(list.estimate.depth).toBe(4);
    expect(list.estimate).not.toEqual(lookup.estimate);
    // Ambiguous, and a name the document does not hold: execution answers them.
    expect(both(document, twoText, null, variables)).toEqual({ errors: [], estimate: { cost: 0, upstreamCalls: 0, depth: 0 } });
    expect(both(document, twoText, 'Missing', variables)).toEqual({ errors: [], estimate: { cost: 0, upstreamCalls: 0, depth: 0 } });
    expect(both(document, twoText, 'Lookup', { ids: ids.slice(0, 2) }).estimate.upstreamCalls).toBe(4);
    expect(both(document, twoText, 'List', variables)).toEqual(list);
  });

  it('literal arguments answer the same each time, each request with its own errors', () => {
    const literalText = `{ a: conversations(first: 101) { edges { cursor } } b: conversations(providers: []) { totalCount } }`;
    const document = parse(literalText);
    const first = checkOperation(schema, document, null, {}, limits);
    const second = checkOperation(schema, document, null, {}, limits);
    expect(seen(second)).toEqual(seen(first));
    expect(second.errors.map((error) => error.path)).toEqual([['a'], ['b']]);
    expect(second.errors[0]).not.toBe(first.errors[0]);
    expect(second.errors[0]!.path).not.toBe(first.errors[0]!.path);
  });

  it('other limits and another schema are not answered from the plan of the first', () => {
    const other = PROVIDERS[PROVIDERS.length - 1];
    const literalText = `{ conversations(first: 5, providers: [${other}]) { totalCount edges { node { id } } } }`;
    const document = parse(literalText);
    const full = both(document, literalText, null, {});
    expect(full.estimate.upstreamCalls).toBeGreaterThan(0);
    // Tighter limits on the same document object.
    const tight = both(document, literalText, null, {}, { ...limits, maxPageSize: 2, maxEstimatedCost: 3 });
    expect(tight.errors.map((error) => error.extensions.limit ?? error.extensions.argument)).toEqual(['first', 'cost']);
    // A schema of the first vendor only: the literal provider is not in its enum, so the field does not coerce.
    const narrow = both(document, literalText, null, {}, limits, schemaFor([VENDORS[0]!]));
    expect(narrow.estimate).toEqual({ cost: 1, upstreamCalls: 0, depth: 1 });
    expect(both(document, literalText, null, {})).toEqual(full);
  });

  it(`a document whose fragments expand past ${MAX_PLANNED_FIELDS} fields answers the same each time`, () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^13 - 1 fields from 13 fragments.
    const fragments = Array.from({ length: 13 }, (_, index) =>
      index < 12 ? `fragment F${index} on Query { t: __typename ...F${index + 1} ...F${index + 1} }` : `fragment F${index} on Query { t: __typename }`,
    );
    const bombText = `query Bomb { ...F0 }\n${fragments.join('\n')}`;
    const document = parse(bombText);
    const answer = both(document, bombText, 'Bomb', {});
    expect(answer.estimate).toEqual({ cost: 2 ** 13 - 1, upstreamCalls: 0, depth: 1 });
    expect(both(document, bombText, 'Bomb', {})).toEqual(answer);
  });
});
