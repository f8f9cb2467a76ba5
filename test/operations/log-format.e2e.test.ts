import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { logFormatFor } from '../../src/observability/settings.js';

/**
 * Issue 22, point 6: `npm start` at a terminal prints readable lines (pino-pretty); JSON stays the default
 * everywhere else (a pipe, a file, a container's log driver) and whenever NODE_ENV=production or LOG_FORMAT=json.
 */

describe('logFormatFor: the decision', () => {
  it.each([
    // setting, production, terminal, format
    ['auto', false, true, 'pretty'],
    ['auto', false, false, 'json'],
    ['auto', true, true, 'json'],
    ['auto', true, false, 'json'],
    ['json', false, true, 'json'],
    ['pretty', false, false, 'pretty'],
    ['pretty', true, false, 'pretty'],
  ] as const)('LOG_FORMAT=%s, production %s, terminal %s: %s', (setting, production, stdoutIsTerminal, format) => {
    expect(logFormatFor(setting, { production, stdoutIsTerminal })).toBe(format);
  });

  it('LOG_FORMAT unset is auto; json, pretty and auto are read, anything else is a start-up problem', () => {
    expect(loadConfig({}).operations.logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'JSON' }).operations.logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).operations.logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be json, pretty or auto/);
  });
});

const ROOT = new URL('../..', import.meta.url).pathname;
/** util-linux's `script` runs a command on a pseudo-terminal (Debian's bsdutils, always installed). */
const SCRIPT = '/usr/bin/script';

/** The graph's process (demo emulators, a free port) until its "serving" line; then it is stopped. Returns stdout. */
function firstLines(env: Record<string, string>, options: { terminal: boolean }): Promise<string> {
  const node = `${process.execPath} --import tsx src/main.ts`;
  const [command, args] = options.terminal ? [SCRIPT, ['-qefc', `exec ${node}`, '/dev/null']] : [process.execPath, ['--import', 'tsx', 'src/main.ts']];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', TERM: 'dumb', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "serving" line within 30 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/serving the graph/.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', () => {
      clearTimeout(timer);
      resolve(stdout);
    });
  });
}

const PRODUCTION = { NODE_ENV: 'production', CURSOR_SECRET: 'a-secret-for-tests', FLASHBACK_BASE_URL: 'http://127.0.0.1:9', FLASHBACK_TOKEN: 't' };
const servingLine = (stdout: string): string => stdout.split(/\r?\n/).find((line) => line.includes('serving the graph')) ?? '';
const isJson = (line: string): boolean => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

describe.concurrent('the process', () => {
  it('writes JSON lines when stdout is not a terminal', async () => {
    const line = servingLine(await firstLines({}, { terminal: false }));
    expect(isJson(line), line).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'conversations-graph' });
  });

  describe.skipIf(!existsSync(SCRIPT))('at a terminal', () => {
    it('writes readable lines', async () => {
      const line = servingLine(await firstLines({}, { terminal: true }));
      expect(line).toMatch(/INFO/);
      expect(isJson(line.trim()), line).toBe(false);
    });

    it.each([
      ['NODE_ENV=production', PRODUCTION],
      ['LOG_FORMAT=json', { LOG_FORMAT: 'json' }],
    ])('writes JSON with %s', async (_label, env) => {
      const line = servingLine(await firstLines(env, { terminal: true })).trim();
      expect(isJson(line), line).toBe(true);
    });
  });
});
