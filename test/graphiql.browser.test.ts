import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type TestGraph } from './support/graph.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// CI must run the browser test (.ci/run installs chromium); on a machine without it, the suite says so and skips it.
const browserMissing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserMissing) {
  process.stderr.write(
    `\nNOTICE: the GraphiQL browser test is SKIPPED: ${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM_PATH). CI=true makes it required.\n\n`,
  );
}

let graph: TestGraph;
/** GraphiQL turned back on under the production profile: CSRF prevention must not break it. */
let productionGraph: TestGraph;
let browser: Browser;

beforeAll(async () => {
  if (browserMissing) return;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  graph = await startTestGraph({ only: ['FLASHBACK'] });
  productionGraph = await startTestGraph({ only: ['FLASHBACK'], env: { NODE_ENV: 'production', CURSOR_SECRET: 'browser-test', GRAPHIQL: 'true' } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await graph?.close();
  await productionGraph?.close();
});

describe.skipIf(browserMissing)(`GraphiQL in a real browser, with no internet access${browserMissing ? ` (SKIPPED: no browser at ${CHROMIUM})` : ''}`, () => {
  it.each([
    ['development', () => graph],
    ['production with GRAPHIQL=true (CSRF prevention on)', () => productionGraph],
  ])('%s: loads only from the graph itself, runs a conversations query and shows the result', async (_profile, current) => {
    const graph = current();
    const page = await browser.newPage();
    const foreignRequests: string[] = [];
    const origin = new URL(graph.url).origin;
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
    });
    const query = '{ conversations(first: 2, providers: [FLASHBACK]) { totalCount edges { node { provider providerId } } } }';
    await page.goto(`${graph.url}?query=${encodeURIComponent(query)}`, { waitUntil: 'load' });
    await page.locator('.graphiql-execute-button').click({ timeout: 20_000 });
    const result = page.locator('.graphiql-response');
    // GraphiQL renders with non-breaking spaces: normalise whitespace before matching.
    const shown = async (): Promise<string> => ((await result.textContent()) ?? '').replace(/\s+/g, ' ');
    await expect.poll(shown, { timeout: 20_000 }).toMatch(/"totalCount": 260/);
    expect(await shown()).toMatch(/"provider": "FLASHBACK", "providerId": "[0-9a-f-]{36}"/);
    expect(foreignRequests).toEqual([]);
    await page.close();
  }, 60_000);
});

describe.skipIf(browserMissing)(`GraphiQL's default tab runs the subscription${browserMissing ? ' (SKIPPED)' : ''}`, () => {
  it('picks NewConversations from the default document and shows the conversation added at the vendor, offline', async () => {
    const live = await startTestGraph({ only: ['FLASHBACK'], env: { LIVE_POLL_INTERVAL_MS: '200' } });
    const page = await browser.newPage();
    try {
      const foreignRequests: string[] = [];
      const origin = new URL(live.url).origin;
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
      });
      await page.goto(live.url, { waitUntil: 'load' });
      await page.locator('.graphiql-execute-button').click({ timeout: 20_000 });
      // Two operations in the default tab: GraphiQL asks which one.
      await page.getByRole('menuitem', { name: 'NewConversations' }).click({ timeout: 20_000 });
      await expect.poll(() => live.graph.live?.active(), { timeout: 20_000 }).toBe(1);
      const before = live.emulators.emulators.FLASHBACK?.requestLog.length ?? 0;
      await expect.poll(() => live.emulators.emulators.FLASHBACK?.requestLog.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(before);
      const created = live.emulators.emulators.FLASHBACK?.addConversation();
      const result = page.locator('.graphiql-response');
      const shown = async (): Promise<string> => ((await result.textContent()) ?? '').replace(/\s+/g, ' ');
      await expect.poll(shown, { timeout: 20_000 }).toContain(`"providerId": "${created?.id}"`);
      expect(foreignRequests).toEqual([]);
    } finally {
      await page.close();
      await live.close();
    }
  }, 60_000);
});
