import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSpecifiedDirective, isSpecifiedScalarType, parse, printType, Kind } from 'graphql';
import { clientSchema, printClientSchemaArtifact, printSchemaArtifact } from '../src/schema/print.js';
import { schema } from '../src/schema/index.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('committed artifacts are current (run `npm run codegen` when this fails)', () => {
  it('schema/schema.graphql is the printed subgraph schema', () => {
    expect(read('schema/schema.graphql')).toBe(printSchemaArtifact());
  });

  it('schema/client.graphql is the printed API schema', () => {
    expect(read('schema/client.graphql')).toBe(printClientSchemaArtifact());
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
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
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

describe('the client schema (schema/client.graphql)', () => {
  const text = read('schema/client.graphql');

  it('has no @link, federation directive, _service, _entities, _Any or _Entity', () => {
    expect(text).not.toMatch(/@link|@key|@shareable|@cost|@listSize|@composeDirective|@external|@requires|@provides/);
    expect(text).not.toMatch(/\b_service\b|\b_entities\b|\b_Any\b|\b_Entity\b|\b_Service\b|link__|federation__/);
    const definitions = parse(text).definitions;
    expect(definitions.some((definition) => definition.kind === Kind.SCHEMA_EXTENSION || definition.kind === Kind.DIRECTIVE_DEFINITION)).toBe(false);
    expect(clientSchema().getDirectives().every((directive) => isSpecifiedDirective(directive))).toBe(true);
  });

  it('keeps every other type, field and argument of the subgraph as it is', () => {
    const client = clientSchema();
    const federation = (name: string) => name.startsWith('_') || name.includes('__');
    // Built-in scalars appear where used (the subgraph's _Any machinery uses one more).
    const served = Object.values(schema.getTypeMap()).filter((type) => !federation(type.name) && !isSpecifiedScalarType(type));
    const kept = Object.values(client.getTypeMap()).filter((type) => !type.name.startsWith('__') && !isSpecifiedScalarType(type));
    expect(kept.map((type) => type.name).sort()).toEqual(served.map((type) => type.name).sort());
    for (const type of served) {
      if (type.name === 'Query') continue;
      expect(printType(client.getType(type.name)!), type.name).toBe(printType(type));
    }
    const queryFields = Object.keys(schema.getQueryType()!.getFields()).filter((name) => !name.startsWith('_'));
    expect(Object.keys(client.getQueryType()!.getFields()).sort()).toEqual(queryFields.sort());
    expect(client.getSubscriptionType()?.name).toBe(schema.getSubscriptionType()?.name);
  });
});
