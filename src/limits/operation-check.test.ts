import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../vendors/vendors.js';
import type { VendorSettings } from '../vendors/vendor-module.js';
import { VENDORS } from '../vendors/vendors.js';
import { schema } from '../schema/index.js';
import { checkOperation, type OperationLimits } from './operation-check.js';
import { DEFAULT_LIMITS } from './settings.js';

const limits: OperationLimits = { ...DEFAULT_LIMITS, maxPageSize: 100, configuredProviders: PROVIDERS,
  vendors: VENDORS,
  // Two chatbots: Chatbase lists one stream per chatbot.
  vendorConfigs: { CHATBASE: { baseUrl: 'https://chatbase.invalid', apiKey: 'k', chatbotIds: ['a', 'b'] } as VendorSettings },
};
const estimate = (document: string, variables: Record<string, unknown> = {}) => checkOperation(schema, parse(document), null, variables, limits);

describe('the estimate of upstream calls (README: limits)', () => {
  it('reads variables: 20 aliases of conversations(first: $n) { messages(first: $n) } with n = 100 estimate 2,280', () => {
    const aliases = Array.from({ length: 20 }, (_, index) => `c${index}: conversations(first: $n) { edges { node { messages(first: $n) { edges { node { text } } } } } }`);
    const result = estimate(`query ($n: Int) { ${aliases.join(' ')} }`, { n: 100 });
    expect(result.estimate.upstreamCalls).toBe(2280);
    expect(result.errors.map((error) => error.extensions.limit)).toContain('upstreamCalls');
    // n = 1: 13 a page (list 12: Flashback 1, Chatbase 2×2, Moveworks Data 1, Symbl 1, Moveworks Conversations 4,
    // Intercom 1; messages 1). Twenty of them (260) pass the default 250 no more since the sixth vendor; ten do.
    expect(estimate(`query ($n: Int) { ${aliases.join(' ')} }`, { n: 1 }).estimate.upstreamCalls).toBe(260);
    expect(estimate(`query ($n: Int) { ${aliases.slice(0, 10).join(' ')} }`, { n: 1 }).errors).toEqual([]);
  });

  it('one page of 100 with totalCount, creator, members and 5 messages estimates 222 and passes', () => {
    const result = estimate(`{ conversations(first: 100) { totalCount edges { node { creator { displayName } members { displayName } messages(first: 5) { totalCount edges { node { text } } } } } } }`);
    // List 14 (Flashback 1, Chatbase 2×2, Moveworks Data 3, Symbl 1, Moveworks Conversations 4, Intercom 1),
    // totalCount 6, creator 2 (batched), members 100, messages 100.
    expect(result.estimate.upstreamCalls).toBe(222);
    expect(result.errors).toEqual([]);
  });

  it('nodes(ids:) costs one call per id', () => {
    const ids = Array.from({ length: 150 }, (_, index) => `id${index}`);
    expect(estimate(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids }).estimate.upstreamCalls).toBe(150);
  });
});
