import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type EmulatorSet } from '../../src/emulators/index.js';
import { TEST_HTTP_ENV, type GraphQLResponse } from '../support/graph.js';
import { PROVIDERS } from '../../src/vendors/vendors.js';

const ROOT = new URL('../..', import.meta.url).pathname;

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

describe('npm start, stopped with SIGTERM while requests are in flight', () => {
  let emulators: EmulatorSet;
  let child: ChildProcess | undefined;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    emulators = await startEmulators({ anchor: new Date('2026-11-01T00:00:00Z') });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await emulators?.close();
  });

  it('answers them, frees the port and exits 0', async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      ...TEST_HTTP_ENV,
      ...emulators.env,
      UPSTREAM_TIMEOUT_MS: '20000',
      REQUEST_DEADLINE_MS: '30000',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '20000',
    };
    for (const provider of PROVIDERS.filter((provider) => provider !== 'FLASHBACK')) delete env[`${provider}_BASE_URL`];
    // The process the README starts: npm, which execs node.
    const started = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    child = started;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      started.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let port = 0;
    const lines = createInterface({ input: started.stdout! });
    const serving = new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        logLines.push(entry);
        if (typeof entry.port === 'number' && String(entry.msg).startsWith('serving')) {
          port = entry.port;
          resolve();
        }
      });
      void exited.then(() => reject(new Error('npm start exited before serving')));
    });
    await serving;
    const base = `http://127.0.0.1:${port}`;

    emulators.emulators.FLASHBACK?.setLatency({ fixedMs: 1500 });
    const inFlight = [1, 2, 3].map((n) =>
      request(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `in-flight-${n}` },
        body: JSON.stringify({ query: `{ conversations(first: ${n}) { edges { node { provider } } } }` }),
      }).then(async (response) => ({ status: response.statusCode, body: (await response.body.json()) as GraphQLResponse })),
    );
    // In flight for sure: the graph itself reports three vendor calls under way.
    for (;;) {
      const metrics = await (await request(`${base}/metrics`)).body.text();
      if (/^upstream_in_flight\{provider="FLASHBACK"\} 3$/m.test(metrics)) break;
    }

    expect(started.kill('SIGTERM')).toBe(true);
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.body.data)).toEqual(
      [1, 2, 3].map((n) => ({ conversations: { edges: Array.from({ length: n }, () => ({ node: { provider: 'FLASHBACK' } })) } })),
    );
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(await portIsFree(port)).toBe(true);
    expect(logLines.map((entry) => entry.msg)).toEqual(
      expect.arrayContaining(['stop requested', 'draining: /ready answers 503', 'stopped: listener closed, vendor pools closed']),
    );
    expect(logLines.filter((entry) => String(entry.requestId).startsWith('in-flight-')).map((entry) => entry.status)).toEqual([200, 200, 200]);
  }, 90_000);

  it('SIGINT to the node process itself exits 0 too, even when whoever read its log has gone away', async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...TEST_HTTP_ENV, ...emulators.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    child = started;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      started.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const lines = createInterface({ input: started.stdout! });
    let port = 0;
    for await (const line of lines) {
      const match = /"port":(\d+)/.exec(line);
      if (match) {
        port = Number(match[1]);
        break;
      }
    }
    expect(port).toBeGreaterThan(0);
    // The reader goes away: every later log line meets a broken pipe.
    started.stdout!.destroy();
    expect(started.kill('SIGINT')).toBe(true);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(await portIsFree(port)).toBe(true);
  }, 90_000);
});
