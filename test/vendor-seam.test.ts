import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { VendorModule } from '../src/vendors/vendor-module.js';
import { VENDORS } from '../src/vendors/vendors.js';

/**
 * Issue 19's acceptance: outside the vendor list (src/vendors/vendors.ts) and a vendor's own folders
 * (src/vendors/<folder>/, src/emulators/<folder>…, test/vendors/<folder>/), no production or bench file
 * names a specific vendor. Names are everything a vendor is called by, taken from its module: its enum value
 * (`MOVEWORKS_DATA`), its env prefix, its folder (`moveworks-data`), its display name and that name's first
 * word (`Moveworks`, any case: it catches camelCase identifiers such as `moveworksData` too). Tests, generated
 * files (schema/) and docs are exempt.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'bench', 'scripts'];
const LIST_FILE = 'src/vendors/vendors.ts';

function namesOf(vendor: VendorModule): string[] {
  const firstWord = vendor.names.display.split(/[^A-Za-z0-9]+/)[0] ?? '';
  return [...new Set([vendor.provider, vendor.names.envPrefix, vendor.names.folder, vendor.names.display, firstWord])].filter((name) => name.length >= 4);
}

function ownFolder(path: string, vendor: VendorModule): boolean {
  const folder = vendor.names.folder;
  return path.startsWith(`src/vendors/${folder}/`) || path.startsWith(`src/emulators/${folder}`) || path.startsWith(`test/vendors/${folder}/`);
}

function filesUnder(root: string, directory: string): string[] {
  const absolute = join(root, directory);
  let entries: string[];
  try {
    entries = readdirSync(absolute);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(absolute, entry);
    if (statSync(path).isDirectory()) return filesUnder(root, relative(root, path));
    return /\.(ts|mts|mjs|js)$/.test(entry) && !/\.test\.ts$/.test(entry) ? [relative(root, path).split(sep).join('/')] : [];
  });
}

/** `file:line: name` for every vendor name outside the list and that vendor's own folders. */
export function vendorNamesOutsideTheirFolders(root: string, vendors: readonly VendorModule[]): string[] {
  const found: string[] = [];
  for (const file of SCANNED.flatMap((directory) => filesUnder(root, directory))) {
    if (file === LIST_FILE) continue;
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    const owner = vendors.find((vendor) => ownFolder(file, vendor));
    // A name two vendors share (a company's first word) is its own in either's folder.
    const ownNames = new Set(owner ? namesOf(owner).map((name) => name.toLowerCase()) : []);
    for (const vendor of vendors) {
      if (vendor === owner) continue;
      const names = namesOf(vendor).filter((name) => !ownNames.has(name.toLowerCase()));
      if (names.length === 0) continue;
      const pattern = new RegExp(names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
      lines.forEach((line, index) => {
        const match = pattern.exec(line);
        if (match) found.push(`${file}:${index + 1}: ${match[0]} (${vendor.provider})`);
      });
    }
  }
  return found;
}

describe('the vendor seam', () => {
  it('no production or bench file names a vendor outside the list and its own folders', () => {
    expect(vendorNamesOutsideTheirFolders(REPO, VENDORS)).toEqual([]);
  });

  it('catches a planted name of every kind, and exempts only the vendor’s own folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'vendor-seam-'));
    try {
      const [first, second] = VENDORS as [VendorModule, VendorModule];
      mkdirSync(join(root, 'src/limits'), { recursive: true });
      mkdirSync(join(root, `src/vendors/${first.names.folder}`), { recursive: true });
      mkdirSync(join(root, 'bench'), { recursive: true });
      const planted = [
        `if (provider === '${first.provider}') return 1;`,
        `const url = env.${first.names.envPrefix}_BASE_URL;`,
        `// ${first.names.display} needs a special case`,
        `import { x } from '../vendors/${first.names.folder}/client.js';`,
      ];
      writeFileSync(join(root, 'src/limits/cost.ts'), planted.join('\n'));
      writeFileSync(join(root, 'bench/headers.ts'), `const key = config.${second.names.envPrefix.toLowerCase()};`);
      // A vendor's own folder may name it; another vendor's may not.
      writeFileSync(join(root, `src/vendors/${first.names.folder}/adapter.ts`), `'${first.provider}'; '${second.provider}'`);
      const found = vendorNamesOutsideTheirFolders(root, VENDORS);
      expect(found.filter((line) => line.startsWith('src/limits/cost.ts'))).toHaveLength(planted.length);
      expect(found.some((line) => line.startsWith('bench/headers.ts'))).toBe(true);
      expect(found.filter((line) => line.startsWith(`src/vendors/${first.names.folder}/`))).toEqual([
        `src/vendors/${first.names.folder}/adapter.ts:1: ${second.provider} (${second.provider})`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
