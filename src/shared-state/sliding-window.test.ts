import { describe, expect, it } from 'vitest';
import { SlidingWindowLog, windowFor } from './sliding-window.js';

describe('windowFor', () => {
  it.each([
    [10, { capacity: 10, windowMs: 1_000 }],
    [1, { capacity: 1, windowMs: 1_000 }],
    [2.5, { capacity: 2, windowMs: 800 }],
    [0.5, { capacity: 1, windowMs: 2_000 }],
  ])('%s per second', (limit, window) => {
    expect(windowFor(limit)).toEqual(window);
  });
});

describe('SlidingWindowLog', () => {
  it('lets `capacity` calls start at once, then queues each for the instant a slot frees', () => {
    const log = new SlidingWindowLog({ capacity: 3, windowMs: 1_000 });
    const waits = [0, 0, 0, 10, 400, 400].map((at) => log.reserve(at, 5_000).waitMs);
    // The 4th call (at 10) waits for the 1st (at 0) to leave the window; the 5th and 6th for the 2nd and 3rd.
    expect(waits).toEqual([0, 0, 0, 990, 600, 600]);
    // The 7th, at 400, comes after the calls reserved for 1000, 1000 and 1000: it waits for 2000.
    expect(log.reserve(400, 5_000)).toEqual({ granted: true, waitMs: 1_600 });
  });

  it('refuses a call that would wait longer than it may, without reserving anything', () => {
    const log = new SlidingWindowLog({ capacity: 2, windowMs: 1_000 });
    log.reserve(0, 0);
    log.reserve(0, 0);
    expect(log.reserve(100, 500)).toEqual({ granted: false, waitMs: 900 });
    expect(log.reserve(100, 900)).toEqual({ granted: true, waitMs: 900 });
    expect(log.reserve(100, 900)).toEqual({ granted: true, waitMs: 900 });
    expect(log.reserve(100, 900)).toEqual({ granted: false, waitMs: 1_900 });
  });

  it('counts a call in a half-open window: one started at t is gone at t + window', () => {
    const log = new SlidingWindowLog({ capacity: 1, windowMs: 1_000 });
    expect(log.reserve(0, 0).granted).toBe(true);
    expect(log.reserve(999, 0).granted).toBe(false);
    expect(log.reserve(1_000, 0).granted).toBe(true);
  });

  it('holds every call until a pause ends, limited or not', () => {
    const limited = new SlidingWindowLog({ capacity: 5, windowMs: 1_000 });
    const unlimited = new SlidingWindowLog(undefined);
    for (const log of [limited, unlimited]) {
      log.pause(2_000);
      expect(log.reserve(500, 1_000)).toEqual({ granted: false, waitMs: 1_500 });
      expect(log.reserve(1_500, 1_000)).toEqual({ granted: true, waitMs: 500 });
      // A shorter pause never cuts a longer one short.
      log.pause(1_600);
      expect(log.reserve(1_500, 0).granted).toBe(false);
    }
    for (let call = 0; call < 100; call += 1) expect(unlimited.reserve(2_000, 0).granted).toBe(true);
  });

  it('starts a fall-back from the calls recorded while another gate decided', () => {
    const log = new SlidingWindowLog({ capacity: 2, windowMs: 1_000 });
    log.record(0, 0);
    log.record(0, 300);
    expect(log.reserve(400, 2_000)).toEqual({ granted: true, waitMs: 600 });
  });
});
