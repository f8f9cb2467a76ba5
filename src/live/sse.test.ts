import { describe, expect, it } from 'vitest';
import { createSseProcessor, EVENT_ID } from './sse.js';

/** The SSE processor over real WHATWG streams: ids, completion, and the heartbeat cutting a client that stopped reading. */

async function* events(count: number, hold?: Promise<void>) {
  for (let index = 0; index < count; index += 1) {
    const result = { data: { n: index } };
    Object.defineProperty(result, EVENT_ID, { value: `cursor-${index}`, enumerable: false });
    yield result;
  }
  await hold;
}

describe('the SSE processor', () => {
  it('writes each result as `event: next` with its cursor as `id:`, then `event: complete`', async () => {
    const response = createSseProcessor({ intervalMs: 1_000, timeoutMs: 5_000 }, () => undefined)(events(2), globalThis as never);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text).toBe(':\n\nid: cursor-0\nevent: next\ndata: {"data":{"n":0}}\n\nid: cursor-1\nevent: next\ndata: {"data":{"n":1}}\n\nevent: complete\ndata:\n\n');
  });

  it('cuts a client that stopped reading after the heartbeat timeout, and ends the subscription', async () => {
    let returned = false;
    let release: () => void = () => undefined;
    const source = events(1_000, new Promise<void>((resolve) => (release = resolve)));
    const iterable = {
      [Symbol.asyncIterator]: () => ({
        next: () => source.next(),
        return: async () => {
          returned = true;
          release();
          return { done: true as const, value: undefined };
        },
      }),
    };
    const stalled = new Promise<number>((resolve) => {
      const started = Date.now();
      const response = createSseProcessor({ intervalMs: 20, timeoutMs: 200 }, () => resolve(Date.now() - started))(iterable, globalThis as never);
      // The client reads the first chunk, then never again: the stream fills and stays full.
      void response.body?.getReader().read();
    });
    const after = await stalled;
    expect(after).toBeGreaterThanOrEqual(200);
    expect(returned).toBe(true);
  });

  it('keeps a client that reads, however long the stream stays quiet', async () => {
    let cut = false;
    const quiet = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<unknown>>(() => undefined) }) };
    const response = createSseProcessor({ intervalMs: 10, timeoutMs: 50 }, () => (cut = true))(quiet, globalThis as never);
    const reader = response.body!.getReader();
    let pings = 0;
    while (pings < 20) {
      const { value } = await reader.read();
      if (new TextDecoder().decode(value) === ':\n\n') pings += 1;
    }
    expect(cut).toBe(false);
    await reader.cancel();
  });
});
