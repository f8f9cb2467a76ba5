import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
      for (const directory of ['src/streams', 'src/schema', 'src/vendors/acme']) mkdirSync(join(root, directory), { recursive: true });
      copyFileSync(join(REPO, 'tsconfig.json'), join(root, 'tsconfig.json'));
      writeFileSync(join(root, 'src/schema/index.ts'), 'export const schema = 1;\n');
      // A stream helper reaching up into the schema.
      writeFileSync(join(root, 'src/streams/merge.ts'), "import { schema } from '../schema/index.js';\nexport const merged = schema;\n");
      // Two files of one vendor importing each other.
      writeFileSync(join(root, 'src/vendors/acme/ids.ts'), "import { a } from './adapter.js';\nexport const ids = a;\n");
      writeFileSync(join(root, 'src/vendors/acme/adapter.ts'), "import { ids } from './ids.js';\nexport const a = 1;\nexport const b = ids;\n");
      const found = violations(root);
      expect(found).toContainEqual(expect.objectContaining({ from: 'src/streams/merge.ts', to: 'src/schema/index.ts', rule: expect.objectContaining({ name: 'no-upward-from-streams' }) }));
      const cycles = found.filter((violation) => violation.rule.name === 'no-cycles');
      expect(cycles).toHaveLength(1);
      expect(['src/vendors/acme/adapter.ts', 'src/vendors/acme/ids.ts']).toContain(cycles[0]!.from);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

/** The files every vendor folder has (docs/architecture.md, "A vendor folder"). */
const SHAPE = ['vendor.ts', 'client.ts', 'adapter.ts', 'mapper.ts', 'filter.ts', 'ids.ts'];

/** Per vendor folder under `root`/src/vendors: a missing file of the shape, or a file other than client.ts building an HTTP client. */
function shapeProblems(root: string): string[] {
  const vendorsRoot = join(root, 'src/vendors');
  const folders = readdirSync(vendorsRoot).filter((entry) => statSync(join(vendorsRoot, entry)).isDirectory());
  return folders.flatMap((folder) => {
    const directory = join(vendorsRoot, folder);
    const missing = SHAPE.filter((file) => !existsSync(join(directory, file))).map((file) => `${folder}: no ${file}`);
    const http = readdirSync(directory)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'client.ts')
      .filter((file) => /from '\.\.\/http\.js'/.test(readFileSync(join(directory, file), 'utf8')))
      .map((file) => `${folder}: ${file} imports the HTTP client (only client.ts may)`);
    return [...missing, ...http];
  });
}

describe('every vendor folder the same shape', () => {
  it('has vendor, client, adapter, mapper, filter and ids, and only its client builds the HTTP client', () => {
    expect(shapeProblems(REPO)).toEqual([]);
  });

  it('fails on a folder missing a file and on an adapter building its own HTTP client', () => {
    const root = mkdtempSync(join(tmpdir(), 'shape-'));
    try {
      mkdirSync(join(root, 'src/vendors/acme'), { recursive: true });
      for (const file of SHAPE.filter((name) => name !== 'filter.ts')) writeFileSync(join(root, 'src/vendors/acme', file), 'export {};\n');
      writeFileSync(join(root, 'src/vendors/acme/adapter.ts'), "import { HttpClient } from '../http.js';\nexport const c = HttpClient;\n");
      expect(shapeProblems(root)).toEqual(['acme: no filter.ts', 'acme: adapter.ts imports the HTTP client (only client.ts may)']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
