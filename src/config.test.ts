import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, configuredProviders, loadConfig } from './config.js';
import { VENDORS } from './vendors/vendors.js';

describe('loadConfig', () => {
  it('turns on exactly the providers whose base URL is set', () => {
    const config = loadConfig({
      FLASHBACK_BASE_URL: 'https://backend.flashback.tech/',
      FLASHBACK_TOKEN: 't',
      CHATBASE_BASE_URL: 'https://www.chatbase.co/api/v1',
      CHATBASE_API_KEY: 'k',
      CHATBASE_CHATBOT_IDS: ' a, b ,a,,c ',
    });
    expect(configuredProviders(config)).toEqual(['FLASHBACK', 'CHATBASE']);
    expect(config.vendorConfigs.FLASHBACK?.baseUrl).toBe('https://backend.flashback.tech');
    expect((config.vendorConfigs.CHATBASE as { chatbotIds?: string[] } | undefined)?.chatbotIds).toEqual(['a', 'b', 'c']);
    expect(config.port).toBe(4000);
  });

  it('lists every problem at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        FLASHBACK_BASE_URL: 'https://backend.flashback.tech',
        CHATBASE_BASE_URL: 'not a url',
        MOVEWORKS_CONVERSATIONS_BASE_URL: 'https://api.moveworks.ai/rest/v1beta1',
        MOVEWORKS_CONVERSATIONS_TOKEN: 't',
        PORT: 'eighty',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'FLASHBACK_TOKEN is required because FLASHBACK_BASE_URL is set',
      'CHATBASE_BASE_URL must be an http(s) URL, got "not a url"',
      'MOVEWORKS_ASSISTANT_NAME is required because MOVEWORKS_CONVERSATIONS_BASE_URL is set',
      'PORT must be an integer from 0 to 65535, got "eighty"',
    ]);
  });

  it('reads the scan and count settings, with defaults, and refuses bad ones', () => {
    expect(loadConfig({}).scans).toEqual({ indexTtlMs: 120_000, countTtlMs: 60_000 });
    expect(loadConfig({ SCAN_INDEX_TTL_MS: '5000', COUNT_TTL_MS: '0' }).scans).toEqual({ indexTtlMs: 5_000, countTtlMs: 0 });
    const scanLimit = (env: Record<string, string>) =>
      (loadConfig({ MOVEWORKS_CONVERSATIONS_BASE_URL: 'https://mw.invalid', MOVEWORKS_CONVERSATIONS_TOKEN: 't', MOVEWORKS_ASSISTANT_NAME: 'a', ...env }).vendorConfigs
        .MOVEWORKS_CONVERSATIONS as { scanLimit?: number } | undefined)?.scanLimit;
    expect(scanLimit({})).toBe(20_000);
    expect(scanLimit({ MOVEWORKS_CONVERSATIONS_SCAN_LIMIT: '500' })).toBe(500);
    expect(() => loadConfig({ MOVEWORKS_CONVERSATIONS_SCAN_LIMIT: 'lots', SCAN_INDEX_TTL_MS: '10' })).toThrow(
      /MOVEWORKS_CONVERSATIONS_SCAN_LIMIT must be an integer from 100 to 1000000[\s\S]*SCAN_INDEX_TTL_MS must be an integer from 1000 to 3600000/,
    );
  });

  it('asks for chatbot ids when Chatbase is on', () => {
    expect(() => loadConfig({ CHATBASE_BASE_URL: 'https://www.chatbase.co/api/v1', CHATBASE_API_KEY: 'k' })).toThrow(/CHATBASE_CHATBOT_IDS/);
  });
});

describe('the process', () => {
  it('stops before serving, with a clear message, when a configured vendor has no credential', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { PATH: process.env.PATH ?? '', SYMBL_BASE_URL: 'https://api.symbl.ai/v1', PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('SYMBL_TOKEN is required because SYMBL_BASE_URL is set');
    expect(result.stdout).not.toContain('GraphiQL');
  });
});

describe('per-vendor settings from the vendor list', () => {
  it('reads <PREFIX>_RATE_LIMIT for every vendor in the list, none dropped', () => {
    const env = Object.fromEntries(VENDORS.map((vendor, index) => [`${vendor.names.envPrefix}_RATE_LIMIT`, String(index + 1)]));
    const config = loadConfig(env);
    expect(config.rateLimits.perSecond).toEqual(Object.fromEntries(VENDORS.map((vendor, index) => [vendor.provider, index + 1])));
    expect(() => loadConfig({ [`${VENDORS[0]!.names.envPrefix}_RATE_LIMIT`]: 'fast' })).toThrow(/_RATE_LIMIT must be a number/);
  });

});
