import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerStats } from '../bench/child.js';
import { CRITICAL_PATH_PATH, type CriticalPathStats } from '../bench/critical-path.js';

/**
 * The bench's in-process timing of a page's path (bench/critical-path.ts), on a target whose own time is
 * known: it waits 15 ms before calling its two upstream calls and 25 ms after reading their answers.
 */

const BEFORE_CALLS_MS = 15;
const AFTER_ANSWERS_MS = 25;
const UPSTREAM_MS = 10;

let upstream: Server;
let target: Server;
let targetOrigin: string;

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  upstream = createServer((_request, response) => {
    setTimeout(() => response.end('{"items":[]}'), UPSTREAM_MS);
  });
  const upstreamOrigin = await listen(upstream);
  target = createServer((incoming, response) => {
    if (answerStats(incoming, response)) return;
    void (async () => {
      await sleep(BEFORE_CALLS_MS);
      await Promise.all([1, 2].map(async () => (await request(`${upstreamOrigin}/list`)).body.text()));
      await sleep(AFTER_ANSWERS_MS);
      response.end('{}');
    })();
  });
  targetOrigin = await listen(target);
});

afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
});

const page = async (): Promise<void> => {
  await (await request(`${targetOrigin}/page`)).body.text();
};
const window = async (run: () => Promise<void>): Promise<CriticalPathStats> => {
  await (await request(`${targetOrigin}${CRITICAL_PATH_PATH}?start`)).body.text();
  await run();
  return (await request(`${targetOrigin}${CRITICAL_PATH_PATH}?stop`)).body.json() as Promise<CriticalPathStats>;
};

describe('bench: a target’s own time on a page’s path', () => {
  it('times each page that ran alone: before its last vendor call and after its last answer', async () => {
    const stats = await window(async () => {
      for (let sample = 0; sample < 5; sample += 1) await page();
    });
    expect(stats.requests).toBe(5);
    expect(stats.vendorCalls).toBe(2);
    expect(stats.toFirstCallMs).toBeGreaterThanOrEqual(BEFORE_CALLS_MS - 1);
    expect(stats.toLastCallMs).toBeGreaterThanOrEqual(stats.toFirstCallMs);
    expect(stats.afterLastAnswerMs).toBeGreaterThanOrEqual(AFTER_ANSWERS_MS - 1);
    // The vendors' own time is not the target's: receipt to response holds it, own time does not.
    expect(stats.totalMs).toBeGreaterThanOrEqual(stats.ownMs + UPSTREAM_MS - 1);
  });

  it('leaves out pages that shared the process with another one', async () => {
    const stats = await window(async () => {
      await Promise.all([page(), page()]);
    });
    expect(stats.requests).toBe(0);
  });

  it('answers 409 to a stop without a start', async () => {
    const response = await request(`${targetOrigin}${CRITICAL_PATH_PATH}?stop`);
    await response.body.text();
    expect(response.statusCode).toBe(409);
  });
});
