import { createHash } from 'node:crypto';
import { canonicalJson } from '../src/streams/canonical-json.js';
import { percentile } from './percentile.js';

/**
 * How much slower a small piece of the graph's per-request code runs when the process comes back to it after a
 * few ms of doing something else, as a page at one connection does after its ~50 ms wait on the vendors:
 * `npx tsx bench/cold-code.ts`. Each line gives the median of 9 first calls after spinning that long, against
 * the call right after (docs/benchmarks.md, Fourth round).
 */

// Six made-up provider names: what a binding costs does not depend on which vendors it names.
const providers = ['VENDOR_ONE', 'VENDOR_TWO', 'VENDOR_THREE', 'VENDOR_FOUR', 'VENDOR_FIVE', 'VENDOR_SIX'];
const pieces: Array<[string, () => unknown]> = [
  ['canonicalJson of a cursor binding', () => canonicalJson(['conversations', providers, null])],
  ['sha256 of it', () => createHash('sha256').update('["conversations",["VENDOR_ONE"]]').digest('base64url')],
  ['2,000 square roots (no memory)', () => {
    let sum = 0;
    for (let i = 0; i < 2000; i += 1) sum += Math.sqrt(i);
    return sum;
  }],
];

const median = (values: number[]): string => percentile(values, 0.5).toFixed(1);

for (const [name, piece] of pieces) {
  for (let warm = 0; warm < 20_000; warm += 1) piece();
  for (const awayMs of [0, 1, 5, 20, 50]) {
    const first: number[] = [];
    const second: number[] = [];
    for (let sample = 0; sample < 9; sample += 1) {
      const until = performance.now() + awayMs;
      while (performance.now() < until);
      let started = performance.now();
      piece();
      first.push((performance.now() - started) * 1000);
      started = performance.now();
      piece();
      second.push((performance.now() - started) * 1000);
    }
    console.log(`${name}, after ${awayMs} ms away: first call ${median(first)} µs, the next ${median(second)} µs`);
  }
}
