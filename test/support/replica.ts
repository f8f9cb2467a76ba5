import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { postGraphQL, type GraphQLResponse } from './graph.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** One replica of the graph: `src/main.ts` in its own process, over real HTTP. */
/** A metric's value from a replica's /metrics text (0 when no series matches the labels). */
export function metricOf(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

export interface Replica {
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the output after offset `since` (default: all of it) matches `pattern`. */
  waitFor(pattern: RegExp, since?: number): Promise<void>;
  query<TData = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<TData>>;
  /** The text of its `/metrics`. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing released. */
  kill(): Promise<void>;
}

/** Starts `npm start`'s entry point with `env` (and PORT=0), resolving once it serves. */
export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const waitFor = (pattern: RegExp, from: number): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(output.slice(from));
        if (match) {
          watchers.delete(check);
          child.off('exit', onExit);
          resolve(match);
        }
      };
      const onExit = (code: number | null): void => {
        watchers.delete(check);
        reject(new Error(`replica exited (${code}) before printing ${pattern}:\n${output}`));
      };
      child.once('exit', onExit);
      watchers.add(check);
      check();
    });
  const listening = await waitFor(/:(\d+)\/graphql/, 0);
  const url = `http://127.0.0.1:${listening[1]}/graphql`;
  return {
    url,
    output: () => output,
    waitFor: async (pattern, since = 0) => {
      await waitFor(pattern, since);
    },
    query: (document, variables) => postGraphQL(url, document, variables),
    async metrics() {
      const response = await request(new URL('/metrics', url));
      return response.body.text();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
