import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

/**
 * Whether the Redis tests can run. Outside CI a machine without Debian's
 * redis-server skips them with a visible notice; in CI (CI=true) they are
 * required, and `.ci/run` installs the package.
 */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  if (process.env.CI === 'true') throw new Error(`${REDIS_SERVER} is missing; CI requires it (.ci/run installs Debian's redis-server)`);
  console.warn(`NOTICE: ${REDIS_SERVER} not found: the shared-state (Redis) tests are SKIPPED. Install Debian's redis-server to run them.`);
  return false;
}

export interface RedisServer {
  url: string;
  port: number;
  /** SIGKILL: the way a crash looks to clients. */
  kill(): Promise<void>;
  /** A fresh, empty server on the same port (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A throw-away redis-server on a free port: no snapshots, no append-only file. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async kill() {
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
    },
    async restart() {
      child = await launch(port);
    },
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
    },
  };
}
