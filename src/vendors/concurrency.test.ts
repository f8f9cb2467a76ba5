import { describe, expect, it } from 'vitest';
import { createLimiter } from './concurrency.js';

describe('createLimiter', () => {
  it('never runs more than max tasks at once, runs them all, keeps results and failures per task', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => gates.push(resolve));
        active -= 1;
        if (i === 4) throw new Error('four');
        return i;
      }),
    );
    const settled = Promise.allSettled(tasks);
    // Open gates one by one as tasks arrive: each release admits exactly one waiter.
    for (let opened = 0; opened < 10; opened += 1) {
      while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
      expect(active).toBeLessThanOrEqual(3);
      (gates.shift() as () => void)();
    }
    const results = await settled;
    expect(peak).toBe(3);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'failed'))).toEqual([0, 1, 2, 3, 'failed', 5, 6, 7, 8, 9]);
  });
});
