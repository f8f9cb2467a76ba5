import { GCProfiler, getHeapStatistics } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod/v4';
import { HttpClient, type GetRequest } from '../src/vendors/http.js';
import { looseInstant, wireSchema, type WireSchema } from '../src/vendors/wire-schema.js';
import { startTestGraph, type TestGraph } from './support/graph.js';

/**
 * Every vendor body is checked by an Ajv validator compiled from the client's zod schema
 * (src/vendors/wire-schema.ts). These tests hold the two to the same verdict: on the bodies the
 * emulators really send for a walk of every vendor (lists, messages, members, users, interactions,
 * look-ups), and on thousands of seeded mutations of them (a key removed, a value of another type,
 * an empty string, a bad instant…).
 */

interface Recorded {
  endpoint: string;
  schema: WireSchema<unknown>;
  body: unknown;
}

const PAGE_WITH_PEOPLE = /* GraphQL */ `
  query ($first: Int, $after: String) {
    conversations(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id title creator { displayName } members { displayName } messages(first: 3) { edges { node { text } } } } }
    }
  }
`;

let graph: TestGraph;
const recorded: Recorded[] = [];

beforeAll(async () => {
  const originalGet = HttpClient.prototype.get;
  // Records the body each client checks (the clients and emulators stay real).
  vi.spyOn(HttpClient.prototype, 'get').mockImplementation(function get<T>(this: HttpClient, request: GetRequest<T>): Promise<T> {
    const schema = request.schema as WireSchema<unknown>;
    const recording: WireSchema<T> = {
      zod: request.schema.zod,
      check(body) {
        recorded.push({ endpoint: request.endpoint, schema, body: structuredClone(body) });
        return request.schema.check(body);
      },
    };
    return originalGet.call(this, { ...request, schema: recording }) as Promise<T>;
  });
  graph = await startTestGraph();
  const first = await graph.query<{ conversations: { pageInfo: { endCursor: string } } }>(PAGE_WITH_PEOPLE, { first: 40 });
  expect(first.errors).toBeUndefined();
  await graph.query(PAGE_WITH_PEOPLE, { first: 40, after: first.data?.conversations.pageInfo.endCursor });
  const ids = await graph.query<{ conversations: { edges: Array<{ node: { id: string } }> } }>(
    `{ conversations(last: 30, providers: [FLASHBACK, MOVEWORKS_DATA, SYMBL]) { edges { node { id } } } }`,
  );
  const lookups = await graph.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
    ids: ids.data?.conversations.edges.map((edge) => edge.node.id),
  });
  expect(lookups.errors).toBeUndefined();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await graph?.close();
});

/** Mulberry32: the same mutations on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every (container, key) in a body, so a mutation can land at any depth. */
function slots(value: Json, out: Array<{ parent: Json[] | { [key: string]: Json }; key: string | number }> = []) {
  if (Array.isArray(value)) value.forEach((item, index) => (out.push({ parent: value, key: index }), slots(item, out)));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push({ parent: value, key }), slots(item, out);
  return out;
}

const REPLACEMENTS: Json[] = [null, 0, -1, 1.5, 2 ** 60, '', 'x', 'not an instant', '2026-13-45T99:00:00Z', '2026-11-01', true, [], {}, ['x'], { id: 'x' }];

function mutate(body: Json, random: () => number): Json {
  const copy = structuredClone(body);
  const all = slots(copy);
  if (all.length === 0) return REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)] as Json;
  const { parent, key } = all[Math.floor(random() * all.length)] as (typeof all)[number];
  const replacement = structuredClone(REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)] as Json);
  if (random() < 0.2 && !Array.isArray(parent)) delete parent[key as string];
  else (parent as Record<string | number, Json>)[key] = replacement;
  return copy;
}

describe('wire schemas: the compiled validator and zod agree', () => {
  it('on every body the emulators sent, of every endpoint the walk used', () => {
    const endpoints = new Set(recorded.map((entry) => entry.endpoint));
    expect([...endpoints].sort()).toEqual(
      expect.arrayContaining([
        '/conversation',
        '/get-conversations',
        '/records/conversations',
        '/records/users',
        '/records/interactions',
        '/conversations',
        '/conversations/{id}',
        '/conversations/{id}/messages',
      ]),
    );
    for (const { endpoint, schema, body } of recorded) {
      expect(schema.check(body).ok, endpoint).toBe(true);
      expect(schema.zod.safeParse(body).success, endpoint).toBe(true);
    }
  });

  it('on 40 seeded mutations of each recorded body (thousands in all), rejecting where zod rejects', () => {
    const random = seededRandom(20261129);
    let rejected = 0;
    let compared = 0;
    for (const { endpoint, schema, body } of recorded) {
      for (let round = 0; round < 40; round += 1) {
        const mutated = mutate(body as Json, random);
        const zodVerdict = schema.zod.safeParse(mutated).success;
        const verdict = schema.check(mutated);
        if (verdict.ok !== zodVerdict) {
          throw new Error(`${endpoint}: zod says ${zodVerdict}, the compiled validator ${verdict.ok} for ${JSON.stringify(mutated).slice(0, 600)}`);
        }
        if (!verdict.ok) rejected += 1;
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(1_000);
    // The mutations do reach checked keys: a good share of them is refused.
    expect(rejected / compared).toBeGreaterThan(0.3);
  });

  it('hands back the very body it checked, unknown keys included (no copy)', () => {
    const schema = wireSchema(z.object({ id: z.string(), at: looseInstant() }));
    const body = { id: 'a', at: '2026-11-01T00:00:00Z', extra: { kept: true } };
    const verdict = schema.check(body);
    expect(verdict.ok && verdict.value).toBe(body);
    expect(schema.check({ id: 'a', at: 'yesterday' })).toEqual({ ok: false, problem: '/at must match format "instant"' });
  });

  it('checks nullables and unions of JSON types like zod, without an error object for each failed branch', () => {
    const schema = wireSchema(
      z.object({
        text: z.string().nullable(),
        code: z.string().regex(/^c_/).nullable().optional(),
        kind: z.enum(['a', 'b']).nullable(),
        fixed: z.literal('x').nullable(),
        nested: z.object({ id: z.string() }).nullable(),
        list: z.array(z.number()).nullable(),
        either: z.union([z.string(), z.number()]),
        at: looseInstant().nullable(),
      }),
    );
    const good = { text: 't', code: 'c_1', kind: 'a', fixed: 'x', nested: { id: 'n' }, list: [1], either: 2, at: '2026-11-01T00:00:00Z' };
    const values = [null, undefined, 't', 'c_1', 'zz', 'a', 'x', 1, true, { id: 'n' }, { id: 1 }, {}, [1], ['1'], '2026-11-01T00:00:00Z'];
    let compared = 0;
    for (const key of Object.keys(good)) {
      for (const value of values) {
        const body = { ...good, [key]: value };
        if (value === undefined) delete (body as Record<string, unknown>)[key];
        expect({ key, value, ok: schema.check(body).ok }).toEqual({ key, value, ok: schema.zod.safeParse(body).success });
        compared += 1;
      }
    }
    expect(compared).toBe(120);
    // Ajv's `anyOf` pushed an error object (~170 bytes) for each branch a value failed, kept or not: the
    // nulls and the number below cost ~2 KB a check that way, ~100 bytes without.
    const nulls = { text: null, code: null, kind: null, fixed: null, nested: null, list: null, either: 2, at: null };
    for (let i = 0; i < 2_000; i += 1) schema.check(nulls);
    const profiler = new GCProfiler();
    profiler.start();
    const usedAtStart = getHeapStatistics().used_heap_size;
    for (let i = 0; i < 20_000; i += 1) schema.check(nulls);
    const usedAtStop = getHeapStatistics().used_heap_size;
    const freed = profiler.stop().statistics.reduce((sum, gc) => sum + gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize, 0);
    expect((usedAtStop - usedAtStart + freed) / 20_000).toBeLessThan(300);
  });

  it('refuses to compile a refinement it could not check', () => {
    expect(() => wireSchema(z.object({ id: z.string().refine((value) => value.startsWith('c_')) }))).toThrow(/WIRE_FORMATS/);
  });
});
