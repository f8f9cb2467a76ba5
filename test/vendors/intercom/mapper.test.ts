import { describe, expect, it } from 'vitest';
import type { IntercomFullConversationWire, IntercomPartWire } from '../../../src/vendors/intercom/client.js';
import { toMessages } from '../../../src/vendors/intercom/mapper.js';

/** A conversation of `count` parts (every third a note, not a message); `reads` counts reads of each part's author. */
function conversation(count: number, order: 'oldest first' | 'shuffled', reads: { author: number }): IntercomFullConversationWire {
  const parts: IntercomPartWire[] = Array.from({ length: count }, (_, index) => {
    const part = { id: `p${index}`, part_type: index % 3 === 2 ? 'note' : 'comment', body: `<p>text ${index} &amp; more</p>`, created_at: 1_700_000_000 + index };
    Object.defineProperty(part, 'author', {
      enumerable: true,
      get: () => {
        reads.author += 1;
        return { type: 'user', id: 'u1', name: 'U', email: 'u@example.com' };
      },
    });
    return part as IntercomPartWire;
  });
  if (order === 'shuffled') parts.reverse();
  return {
    id: '123',
    created_at: 1_700_000_000,
    updated_at: 1_700_000_000,
    source: { id: 's1', body: 'hello', author: { type: 'user', id: 'u1' } },
    conversation_parts: { conversation_parts: parts, total_count: count },
  } as unknown as IntercomFullConversationWire;
}

describe('Intercom messages, mapped when read', () => {
  it('maps only the messages a page shows, and each once', () => {
    const reads = { author: 0 };
    const messages = toMessages(conversation(300, 'oldest first', reads));
    // The source and the 200 comments; the 100 notes are no messages.
    expect(messages.count).toBe(201);
    expect(reads.author).toBe(0);
    const page = messages.slice(0, 5);
    expect(page.map((message) => message.providerId)).toEqual(['s1', 'p0', 'p1', 'p3', 'p4']);
    expect(page[1]).toMatchObject({ text: 'text 0 & more', role: 'USER', createdAt: new Date(1_700_000_000_000) });
    expect(reads.author).toBe(4);
    expect(messages.slice(3, 2)).toEqual([page[3], page[4]]);
    expect(messages.find('p298')?.text).toBe('text 298 & more');
    expect(messages.find('p2')).toBeNull();
    expect(reads.author).toBe(5);
    expect(messages.slice(200, 10).map((message) => message.providerId)).toEqual(['p298']);
    expect(messages.truncated).toBe(false);
  });

  it('orders parts oldest first when they do not come so, as before', () => {
    const messages = toMessages(conversation(6, 'shuffled', { author: 0 }));
    expect(messages.slice(0, 10).map((message) => message.providerId)).toEqual(['s1', 'p0', 'p1', 'p3', 'p4']);
  });
});
