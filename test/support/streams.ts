import type { OrderedStream, Position } from '../../src/vendors/port.js';

/** Walks a stream forward with the given page sizes (cycled) until it ends; returns items and calls made. */
export async function walkForward<T>(stream: OrderedStream<T>, pageSizes: number[], maxCalls = 10_000): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let position: Position | null = null;
  let calls = 0;
  for (;;) {
    const size = pageSizes[calls % pageSizes.length] as number;
    const chunk = await stream.forward(position, size);
    calls += 1;
    for (const entry of chunk.items) items.push(entry.item);
    position = chunk.next;
    if (!chunk.hasMore) return { items, calls };
    if (calls >= maxCalls) throw new Error('walkForward did not end');
  }
}

/** Walks a stream backward from its end; returns items in stream order (as a forward walk would). */
export async function walkBackward<T>(stream: OrderedStream<T>, pageSizes: number[], maxCalls = 10_000): Promise<{ items: T[]; calls: number }> {
  if (!stream.backward) throw new Error('stream cannot walk backward');
  const reversed: T[] = [];
  let position: Position | null = null;
  let calls = 0;
  for (;;) {
    const size = pageSizes[calls % pageSizes.length] as number;
    const chunk = await stream.backward(position, size);
    calls += 1;
    for (const entry of chunk.items) reversed.push(entry.item);
    position = chunk.next;
    if (!chunk.hasMore) return { items: reversed.reverse(), calls };
    if (calls >= maxCalls) throw new Error('walkBackward did not end');
  }
}
