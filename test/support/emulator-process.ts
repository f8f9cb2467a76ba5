import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { configuredProviders, loadConfig } from '../../src/config.js';
import type { Provider } from '../../src/domain.js';
import type { RequestLogEntry } from '../../src/emulators/framework.js';
import { VENDORS } from '../../src/vendors/vendors.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const PROVIDERS: Provider[] = VENDORS.map((vendor) => vendor.provider);

/**
 * Every listed vendor's emulator in a process of their own (`npm run emulators` on free ports), so the instants they log
 * are not delayed by the test's own work: what rate-limit tests measure is when requests reached the vendor.
 */
export interface EmulatorProcess {
  /** The `KEY=VALUE` lines that point a graph at them. */
  env: Record<string, string>;
  log(provider: Provider): Promise<RequestLogEntry[]>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulators/main.ts'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', ...Object.fromEntries(PROVIDERS.map((provider) => [`EMULATOR_${provider}_PORT`, '0'])) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env: Record<string, string> = {};
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  /** Every vendor's variables are printed: its base URL and every credential it needs. */
  const complete = (): boolean => {
    try {
      return configuredProviders(loadConfig(env)).length === PROVIDERS.length;
    } catch {
      return false;
    }
  };
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!;
    if (complete()) break;
  }
  if (!complete()) throw new Error('the emulator process stopped before printing its variables');
  child.stdout!.resume();
  const origin = (provider: Provider): string => new URL(loadConfig(env).vendorConfigs[provider]!.baseUrl).origin;
  return {
    env,
    async log(provider) {
      const response = await request(`${origin(provider)}/__control/log`);
      return (await response.body.json()) as RequestLogEntry[];
    },
    async reset() {
      await Promise.all(
        PROVIDERS.map(async (provider) => {
          const response = await request(`${origin(provider)}/__control/reset`, { method: 'POST', body: '{}' });
          await response.body.dump();
        }),
      );
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
