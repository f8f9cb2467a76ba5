import { describe, expect, it } from 'vitest';
import { EMPTY_FILTER, type ConversationFilter } from '../../domain.js';
import { conversationScope } from './filter.js';
import {
  chunkByQueryLength,
  conversationCountQuery,
  conversationWindowQuery,
  conversationsByIdQuery,
  encodedLength,
  interactionsByConversationQuery,
  usersByIdQuery,
} from './query.js';

const section = (part: Partial<NonNullable<ConversationFilter['moveworksData']>>): ConversationFilter['moveworksData'] => ({
  userIds: null,
  routes: null,
  primaryDomains: null,
  ...part,
});

describe('window -> upstream request', () => {
  const select = 'id,user_id,primary_domain,route,created_time,last_updated_time';
  it('first page of 10, no filter', () => {
    expect(conversationWindowQuery(null, { offset: 0, limit: 10 })).toEqual({
      $select: select,
      $orderby: 'created_time desc,id desc',
      $top: '10',
      $skip: '0',
      $count: 'true',
    });
  });

  it('a window deep in a filtered list', () => {
    const scope = conversationScope({ ...EMPTY_FILTER, moveworksData: section({ routes: ['DM'] }) });
    if (scope.matchesNothing) throw new Error('unexpected');
    expect(conversationWindowQuery(scope.filter, { offset: 130, limit: 7 })).toEqual({
      $filter: "route eq 'DM'",
      $select: select,
      $orderby: 'created_time desc,id desc',
      $top: '7',
      $skip: '130',
      $count: 'true',
    });
  });

  it('count: no rows, just the total', () => {
    expect(conversationCountQuery(null)).toEqual({ $top: '0', $count: 'true' });
  });

  it('look-ups by id', () => {
    expect(conversationsByIdQuery(['a'])).toEqual({ $filter: "id eq 'a'", $select: select });
    expect(usersByIdQuery(['a', "b'c"])).toEqual({
      $filter: "id in ('a','b''c')",
      $select: 'id,first_name,last_name,email_addr,full_name,department,role',
    });
    expect(interactionsByConversationQuery(['a', 'b'])).toEqual({
      $filter: "conversation_id in ('a','b')",
      $select: 'id,conversation_id,user_id,actor,created_time,details',
      $orderby: 'created_time asc,id asc',
    });
  });
});

describe('chunking by URL length', () => {
  const uuids = Array.from({ length: 50 }, (_, index) => `00000000-0000-4000-a000-${String(index).padStart(12, '0')}`);

  it('50 uuids fit one interactions request under the default budget', () => {
    const chunks = chunkByQueryLength(uuids, interactionsByConversationQuery, 3_900);
    expect(chunks).toEqual([uuids]);
    expect(encodedLength(interactionsByConversationQuery(uuids))).toBeLessThan(3_000);
  });

  it('a small budget splits into ordered chunks, each within the budget', () => {
    const chunks = chunkByQueryLength(uuids, usersByIdQuery, 800);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flat()).toEqual(uuids);
    for (const chunk of chunks) expect(encodedLength(usersByIdQuery(chunk))).toBeLessThanOrEqual(800);
  });

  it('a single oversized key still gets its own chunk', () => {
    const huge = 'x'.repeat(500);
    expect(chunkByQueryLength(['a', huge, 'b'], usersByIdQuery, 200)).toEqual([['a'], [huge], ['b']]);
  });
});
