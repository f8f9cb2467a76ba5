import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of docs/architecture.md, checked by dependency-cruiser with .dependency-cruiser.cjs: no import runs
 * up the layers, no file reaches itself through its imports. The same rules fail on planted files.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function violations(root: string): Violation[] {
  const output = execFileSync(process.execPath, [CLI, 'src', '--config', join(REPO, '.dependency-cruiser.cjs'), '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(output) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('the layers (docs/architecture.md)', () => {
  it('no import runs up the layers and no file is in a cycle', () => {
    expect(violations(REPO).map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`)).toEqual([]);
  }, 60_000);

  it('fails on an upward import and on a cycle', () => {
    const root = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      for (const directory of ['src/streams', 'src/schema', 'src/providers/acme']) mkdirSync(join(root, directory), { recursive: true });
      copyFileSync(join(REPO, 'tsconfig.json'), join(root, 'tsconfig.json'));
      writeFileSync(join(root, 'src/schema/index.ts'), 'export const schema = 1;\n');
      // A stream helper reaching up into the schema.
      writeFileSync(join(root, 'src/streams/merge.ts'), "import { schema } from '../schema/index.js';\nexport const merged = schema;\n");
      // Two files of one vendor importing each other.
      writeFileSync(join(root, 'src/providers/acme/ids.ts'), "import { a } from './adapter.js';\nexport const ids = a;\n");
      writeFileSync(join(root, 'src/providers/acme/adapter.ts'), "import { ids } from './ids.js';\nexport const a = 1;\nexport const b = ids;\n");
      const found = violations(root);
      expect(found).toContainEqual(expect.objectContaining({ from: 'src/streams/merge.ts', to: 'src/schema/index.ts', rule: expect.objectContaining({ name: 'no-upward-from-streams' }) }));
      const cycles = found.filter((violation) => violation.rule.name === 'no-cycles');
      expect(cycles).toHaveLength(1);
      expect(['src/providers/acme/adapter.ts', 'src/providers/acme/ids.ts']).toContain(cycles[0]!.from);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
