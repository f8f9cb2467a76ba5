import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, validate } from 'graphql';
import { loadConfig } from '../src/config.js';
import { schema } from '../src/schema/index.js';

// The docs' own checks (conventions in CONTRIBUTING.md, "Docs conventions"): every relative link resolves,
// every environment variable the code reads is defined exactly once across docs/, and every dependency
// in package.json has its row in docs/dependencies.md. Reads files only: no network, no servers.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist']);

function walk(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path, keep));
    else if (keep(path)) found.push(path);
  }
  return found.sort();
}

const read = (path: string): string => readFileSync(path, 'utf8');
const rel = (path: string): string => relative(ROOT, path);

/** The docs the links check covers: README.md, CONTRIBUTING.md, docs/**, and every README under src/. */
function docFiles(): string[] {
  return [
    ...['README.md', 'CONTRIBUTING.md'].map((name) => join(ROOT, name)).filter((path) => existsSync(path)),
    ...walk(join(ROOT, 'docs'), (path) => path.endsWith('.md')),
    ...walk(join(ROOT, 'src'), (path) => path.endsWith('/README.md')),
  ];
}

/** The lines of a markdown text outside fenced code blocks, with inline code spans blanked. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const opener = /^\s*(`{3,}|~{3,})/.exec(line);
    if (opener) {
      if (fence === null) fence = opener[1]![0]!;
      else if (opener[1]![0] === fence) fence = null;
      lines.push('');
      continue;
    }
    lines.push(fence === null ? line : '');
  }
  return lines;
}

/** GitHub's heading anchors: lower case, markup and punctuation dropped, spaces to '-', repeats numbered. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
      .replace(/<[^>]+>/g, '') // html tags
      .replace(/[`*]/g, '');
    const base = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

interface Link {
  line: number;
  target: string;
}

function relativeLinks(text: string): Link[] {
  const links: Link[] = [];
  proseLines(text).forEach((raw, index) => {
    const line = raw.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      links.push({ line: index + 1, target });
    }
  });
  return links;
}

/** What is wrong with each relative link of `file`, whose text is `text` (empty when all resolve). */
export function linkProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  for (const link of relativeLinks(text)) {
    const [pathPart, anchor] = link.target.split('#', 2) as [string, string | undefined];
    const target = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
    const where = `${rel(file)}:${link.line} → ${link.target}`;
    if (!existsSync(target)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (statSync(target).isDirectory() || !target.endsWith('.md')) {
      problems.push(`${where}: an anchor into a file that is not markdown`);
      continue;
    }
    const targetText = target === file ? text : read(target);
    if (!headingSlugs(targetText).has(decodeURIComponent(anchor))) problems.push(`${where}: no heading with that anchor`);
  }
  return problems;
}

// ------------------------------------------------------------------ environment variables

const NAME = /[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*/.source;
/** Calls of the env readers (src/env-reader.ts and the helpers built on it) with a literal name. */
const READER_CALL = new RegExp(String.raw`\b(?:read|flag|integer|number|decimal|url|required|list|duration|rate)\(\s*['"]` + `(${NAME})` + `['"]`, 'g');
const ENV_MEMBER = new RegExp(String.raw`\b(?:process\.env|env)\.(${NAME})\b`, 'g');
const ENV_INDEX = new RegExp(String.raw`\b(?:process\.env|env)\[\s*['"](${NAME})['"]\s*\]`, 'g');
/** `${provider}_RATE_LIMIT`, `EMULATOR_${provider}_PORT`: a name made per vendor, as a template literal. */
const TEMPLATE_NAME = /`((?:[A-Z0-9_]|\$\{[^}`]+\})*\$\{[^}`]+\}(?:[A-Z0-9_]|\$\{[^}`]+\})*)`/g;
/** Variables of the machine, not ours: read to pass them on to child processes. */
const NOT_OURS = new Set(['PATH', 'HOME']);

export interface VariablesRead {
  names: Map<string, Set<string>>; // name -> files
  templates: Map<string, Set<string>>; // `*_RATE_LIMIT` -> files
}

function add(map: Map<string, Set<string>>, key: string, file: string): void {
  if (!map.has(key)) map.set(key, new Set());
  map.get(key)!.add(file);
}

/** The variables read by these sources. `processEnvOnly`: count only `process.env` reads (test files). */
export function scanSource(source: string, file: string, found: VariablesRead, processEnvOnly = false): void {
  const patterns = processEnvOnly
    ? [new RegExp(String.raw`\bprocess\.env\.(${NAME})\b`, 'g'), new RegExp(String.raw`\bprocess\.env\[\s*['"](${NAME})['"]\s*\]`, 'g')]
    : [READER_CALL, ENV_MEMBER, ENV_INDEX];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) if (!NOT_OURS.has(match[1]!)) add(found.names, match[1]!, file);
  if (processEnvOnly) return;
  for (const match of source.matchAll(TEMPLATE_NAME)) {
    const shape = match[1]!.replace(/\$\{[^}]+\}/g, '*');
    if (/[A-Z]{2,}/.test(shape) && shape.includes('_')) add(found.templates, shape, file);
  }
}

export function variablesReadByTheCode(): VariablesRead {
  const found: VariablesRead = { names: new Map(), templates: new Map() };
  const code = (path: string): boolean => /\.(ts|mts|mjs|js)$/.test(path) && !path.endsWith('.d.ts');
  // Production code and tools: every read counts. Tests: only what they read from the process's environment.
  for (const file of readdirSync(ROOT).filter((name) => /\.(ts|mts|mjs|js)$/.test(name))) scanSource(read(join(ROOT, file)), file, found);
  for (const dir of ['src', 'scripts', 'bench']) {
    for (const file of walk(join(ROOT, dir), code)) scanSource(read(file), rel(file), found, file.endsWith('.test.ts'));
  }
  for (const file of walk(join(ROOT, 'test'), code)) {
    if (file === fileURLToPath(import.meta.url)) continue;
    scanSource(read(file), rel(file), found, !rel(file).startsWith('test/support/'));
  }
  // And what loadConfig actually asks for, whatever the code's shape: every vendor switched on, so its
  // credentials and per-vendor settings are read too.
  const asked = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get(_, key) {
        if (typeof key !== 'string') return undefined;
        asked.add(key);
        return key.endsWith('_BASE_URL') ? 'http://127.0.0.1:9' : undefined;
      },
      has(_, key) {
        if (typeof key === 'string') asked.add(key);
        return false;
      },
    },
  );
  try {
    loadConfig(env);
  } catch {
    // missing credentials are reported; what was asked for is what counts here
  }
  for (const name of asked) if (new RegExp(`^${NAME}$`).test(name) && !NOT_OURS.has(name)) add(found.names, name, 'loadConfig(env)');
  return found;
}

/** `| \`A\` / \`B\` | … |` rows of tables whose first header cell is "variable": the names each page defines. */
export function definedVariables(markdown: string): string[] {
  const names: string[] = [];
  let inVariableTable = false;
  let header = false;
  for (const line of proseLines(markdown.replace(/\r/g, ''))) {
    if (!line.trimStart().startsWith('|')) {
      inVariableTable = false;
      header = false;
      continue;
    }
    const firstCell = line.trim().slice(1).split('|')[0]!.trim();
    if (!inVariableTable && !header) {
      header = true;
      inVariableTable = /^variables?$/i.test(firstCell);
      continue;
    }
    if (!inVariableTable || /^:?-{3,}:?$/.test(firstCell)) continue;
    for (const match of firstCell.matchAll(/`([A-Z0-9_<>]+)`/g)) names.push(match[1]!);
  }
  return names;
}

const PLACEHOLDER = /<[A-Z_]+>/g;
const docPattern = (name: string): RegExp =>
  new RegExp(`^${name.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[A-Z][A-Z0-9_]*')}$`);

export interface VariableReport {
  undocumented: string[];
  documentedTwice: string[];
  notReadByTheCode: string[];
}

export function checkVariables(found: VariablesRead, definitions: Map<string, string[]>): VariableReport {
  // definitions: page -> names it defines
  const byName = new Map<string, string[]>();
  for (const [page, names] of definitions) for (const name of names) byName.set(name, [...(byName.get(name) ?? []), page]);
  const concrete = [...byName.keys()].filter((name) => !PLACEHOLDER.test(name) && ((PLACEHOLDER.lastIndex = 0), true));
  PLACEHOLDER.lastIndex = 0;
  const templates = [...byName.keys()].filter((name) => name.includes('<'));

  const pagesDefining = (name: string): string[] => [
    ...(byName.get(name) ?? []),
    ...templates.filter((template) => docPattern(template).test(name)).flatMap((template) => byName.get(template)!),
  ];
  const undocumented: string[] = [];
  const documentedTwice: string[] = [];
  for (const [name, files] of found.names) {
    const pages = pagesDefining(name);
    if (pages.length === 0) undocumented.push(`${name} (read in ${[...files].join(', ')})`);
    if (pages.length > 1) documentedTwice.push(`${name} (defined in ${pages.join(', ')})`);
  }
  for (const [shape, files] of found.templates) {
    const asDoc = (name: string): string => name.replace(PLACEHOLDER, '*');
    const covered = templates.some((template) => asDoc(template) === shape) || concrete.some((name) => new RegExp(`^${shape.replace(/\*/g, '[A-Z][A-Z0-9_]*')}$`).test(name));
    if (!covered) undocumented.push(`${shape.replace(/\*/g, '<…>')} (made in ${[...files].join(', ')})`);
  }
  const readNames = [...found.names.keys()];
  const readShapes = [...found.templates.keys()].map((shape) => new RegExp(`^${shape.replace(/\*/g, '[A-Z][A-Z0-9_]*')}$`));
  const notReadByTheCode = [...byName.keys()].filter((name) =>
    name.includes('<')
      ? !readNames.some((read) => docPattern(name).test(read)) && !found.templates.has(name.replace(PLACEHOLDER, '*'))
      : !found.names.has(name) && !readShapes.some((shape) => shape.test(name)),
  );
  return { undocumented: undocumented.sort(), documentedTwice: documentedTwice.sort(), notReadByTheCode: notReadByTheCode.sort() };
}

export function docsDefinitions(): Map<string, string[]> {
  const definitions = new Map<string, string[]>();
  for (const file of walk(join(ROOT, 'docs'), (path) => path.endsWith('.md'))) definitions.set(rel(file), definedVariables(read(file)));
  return definitions;
}

// ------------------------------------------------------------------ dependencies

function dependencyRows(markdown: string): string[] {
  const names: string[] = [];
  for (const line of proseLines(markdown)) {
    const match = /^\|\s*`([^`]+)`\s*\|/.exec(line.trim());
    if (match) names.push(match[1]!);
  }
  return names;
}

// ------------------------------------------------------------------ the tests

describe('the docs', () => {
  it('cover the README, CONTRIBUTING.md, docs/ and the vendor pages', () => {
    const files = docFiles().map(rel);
    expect(files).toContain('README.md');
    expect(files).toContain('CONTRIBUTING.md');
    expect(files.filter((file) => file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
    expect(files.filter((file) => /^src\/vendors\/[^/]+\/README\.md$/.test(file)).length).toBeGreaterThanOrEqual(5);
  });

  it('give every vendor folder its own page (src/vendors/<vendor>/README.md)', () => {
    const folders = readdirSync(join(ROOT, 'src', 'vendors'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'src', 'vendors', entry.name, 'adapter.ts')))
      .map((entry) => entry.name);
    expect(folders.length).toBeGreaterThanOrEqual(5);
    expect(folders.filter((folder) => !existsSync(join(ROOT, 'src', 'vendors', folder, 'README.md')))).toEqual([]);
  });

  it('keep the README a front door (a few hundred lines at most)', () => {
    expect(read(join(ROOT, 'README.md')).split('\n').length).toBeLessThanOrEqual(300);
  });

  it("hold README tour queries that the schema accepts", () => {
    const blocks = [...read(join(ROOT, 'README.md')).matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const block of blocks) expect(validate(schema, parse(block)).map((error) => error.message), block).toEqual([]);
  });

  it('have every relative link resolve, anchors included', () => {
    const files = docFiles();
    expect(files.flatMap((file) => relativeLinks(read(file))).length).toBeGreaterThan(50);
    expect(files.flatMap((file) => linkProblems(file, read(file)))).toEqual([]);
  });

  it('reach every page from the README, through links', () => {
    const pages = docFiles();
    const reached = new Set<string>([join(ROOT, 'README.md')]);
    const queue = [join(ROOT, 'README.md')];
    while (queue.length > 0) {
      const file = queue.shift()!;
      for (const link of relativeLinks(read(file))) {
        const path = link.target.split('#', 1)[0]!;
        if (path === '') continue;
        const target = resolve(dirname(file), decodeURIComponent(path));
        if (target.endsWith('.md') && existsSync(target) && !reached.has(target)) {
          reached.add(target);
          queue.push(target);
        }
      }
    }
    expect(pages.filter((page) => !reached.has(page)).map(rel)).toEqual([]);
  });

  it('compute anchors as GitHub does, and catch a broken link or anchor', () => {
    expect([...headingSlugs('# A `code` title: with (punctuation)!\n## Error codes (`extensions.code`)\n## Same\n## Same\n```\n# not a heading\n```')]).toEqual([
      'a-code-title-with-punctuation',
      'error-codes-extensionscode',
      'same',
      'same-1',
    ]);
    // The same check on a real page with one link and one anchor broken.
    const page = join(ROOT, 'docs', 'configuration.md');
    expect(linkProblems(page, read(page))).toEqual([]);
    const broken = `${read(page)}\n[gone](no-such-page.md) [bad anchor](operations.md#no-such-heading)\n`;
    const problems = linkProblems(page, broken);
    expect(problems).toEqual([expect.stringContaining('no-such-page.md: no such file'), expect.stringContaining('operations.md#no-such-heading: no heading')]);
  });

  it('define every environment variable the code reads exactly once, and none it does not read', () => {
    const found = variablesReadByTheCode();
    // Not vacuous: each way of reading is seen, and the count is plausible.
    expect(found.names.size).toBeGreaterThanOrEqual(70);
    for (const name of ['PORT', 'CURSOR_SECRET', 'FLASHBACK_TOKEN', 'FLASHBACK_RATE_LIMIT', 'MAX_QUERY_DEPTH', 'LOG_LEVEL', 'PERSISTED_OPERATIONS', 'EMULATOR_SEED', 'BENCH_SECONDS', 'CHROMIUM_PATH']) {
      expect(found.names.has(name), name).toBe(true);
    }
    expect(found.templates.has('EMULATOR_*_PORT')).toBe(true);
    const report = checkVariables(found, docsDefinitions());
    expect(report).toEqual({ undocumented: [], documentedTwice: [], notReadByTheCode: [] });
  });

  it('would catch an undocumented, a twice-documented and a stale variable', () => {
    const found = variablesReadByTheCode();
    const definitions = docsDefinitions();
    const before = checkVariables(found, definitions);
    scanSource(`const planted = read('PLANTED_UNDOCUMENTED_VARIABLE'); const other = process.env.PLANTED_TOO;`, 'planted.ts', found);
    definitions.set('docs/planted.md', ['PORT', 'NOT_READ_ANYWHERE']);
    const after = checkVariables(found, definitions);
    const added = (key: keyof VariableReport): string[] => after[key].filter((entry) => !before[key].includes(entry));
    expect(added('undocumented')).toEqual(['PLANTED_TOO (read in planted.ts)', 'PLANTED_UNDOCUMENTED_VARIABLE (read in planted.ts)']);
    expect(added('documentedTwice')).toEqual(['PORT (defined in docs/configuration.md, docs/planted.md)']);
    expect(added('notReadByTheCode')).toEqual(['NOT_READ_ANYWHERE']);
  });

  it('say what every dependency in package.json is for', () => {
    const pkg = JSON.parse(read(join(ROOT, 'package.json'))) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const declared = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
    // Packages of the bench's own on-demand package.json files count as declared too.
    const elsewhere = walk(join(ROOT, 'bench'), (path) => path.endsWith('/package.json')).flatMap((path) => {
      const other = JSON.parse(read(path)) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      return [...Object.keys(other.dependencies ?? {}), ...Object.keys(other.devDependencies ?? {})];
    });
    const rows = dependencyRows(read(join(ROOT, 'docs', 'dependencies.md')));
    expect(declared.length).toBeGreaterThan(40);
    expect(declared.filter((name) => !rows.includes(name))).toEqual([]);
    expect(rows.filter((name) => !declared.includes(name) && !elsewhere.includes(name))).toEqual([]);
  });

  it('name no runtime dependency that no file of src/ or scripts/ imports', () => {
    const pkg = JSON.parse(read(join(ROOT, 'package.json'))) as { dependencies?: Record<string, string> };
    const code = [...walk(join(ROOT, 'src'), (path) => /\.(ts|mts|mjs|js)$/.test(path)), ...walk(join(ROOT, 'scripts'), (path) => /\.(ts|mts|mjs|js)$/.test(path))]
      .map(read)
      .join('\n');
    // A specifier in quotes: `import … from 'x'`, `import('x/y')`, `load('x')`, `require.resolve('x')`.
    const named = (name: string): boolean => [`'${name}'`, `"${name}"`, `'${name}/`, `"${name}/`].some((quoted) => code.includes(quoted));
    expect(Object.keys(pkg.dependencies ?? {}).filter((name) => !named(name))).toEqual([]);
  });
});

