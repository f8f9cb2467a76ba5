import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printSchemaArtifact } from '../src/schema/print.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('committed artifacts are current (run `npm run codegen` when this fails)', () => {
  it('schema/schema.graphql is the printed subgraph schema', () => {
    expect(read('schema/schema.graphql')).toBe(printSchemaArtifact());
  });

  it('schema/generated/ is what the codegen CLI makes of the operations', () => {
    const directory = mkdtempSync(join(tmpdir(), 'codegen-'));
    try {
      const cli = new URL('../node_modules/@graphql-codegen/cli/cjs/bin.js', import.meta.url).pathname;
      execFileSync(process.execPath, [cli, '--config', 'codegen.ts', '--silent'], {
        cwd: new URL('..', import.meta.url).pathname,
        env: { ...process.env, CODEGEN_OUTPUT_DIR: `${directory}/` },
        stdio: 'pipe',
      });
      const generated = readdirSync(directory).sort();
      expect(generated).toEqual(readdirSync(new URL('../schema/generated', import.meta.url)).sort());
      for (const file of generated) {
        expect(read(`schema/generated/${file}`), file).toBe(readFileSync(join(directory, file), 'utf8'));
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Apollo Federation v2 subgraph', () => {
  let graph: TestGraph;
  beforeAll(async () => {
    graph = await startTestGraph({ only: ['FLASHBACK'] });
  });
  afterAll(async () => {
    await graph.close();
  });

  it('serves its SDL with Conversation keyed by id', async () => {
    const response = await graph.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = response.data!._service.sdl;
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6"');
    expect(sdl).toMatch(/type Conversation implements Node\s+@key\(fields: "id"\)/);
  });

  it('resolves Conversation entities by id, null for unknown ones', async () => {
    const page = await graph.query<{ conversations: { edges: Array<{ node: { id: string; providerId: string } }> } }>(
      '{ conversations(first: 2) { edges { node { id providerId } } } }',
    );
    const [first, second] = page.data!.conversations.edges;
    const unknown = Buffer.from(`Conversation:${JSON.stringify(['FLASHBACK', 'missing', 0, null])}`).toString('base64url');
    const response = await graph.query<{ _entities: Array<{ providerId: string } | null> }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Conversation { providerId } } }',
      { r: [{ __typename: 'Conversation', id: second!.node.id }, { __typename: 'Conversation', id: unknown }, { __typename: 'Conversation', id: first!.node.id }] },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toEqual([{ providerId: second!.node.providerId }, null, { providerId: first!.node.providerId }]);
  });
});
