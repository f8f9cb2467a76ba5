import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod/v4';
import { parseInstant } from '../domain.js';

/**
 * The shape of a vendor's JSON, written once as a zod schema (it gives the TypeScript type) and checked at
 * run time by an Ajv validator compiled from it. Checking every upstream body with zod itself cost about a
 * quarter of the graph's CPU under the bench (zod copies every object it parses); Ajv checks the parsed
 * body in place and returns it as it is. Keys a schema does not name pass through: mappers read only the
 * keys they know, as with zod's default of stripping them.
 *
 * A zod refinement has no JSON Schema form, so each one must name a format this module knows,
 * `.meta({ format })` (see WIRE_FORMATS); compiling refuses a refinement without one, rather than let
 * the check vanish. test/wire-schema.e2e.test.ts holds zod and Ajv to the same verdict on vendor bodies
 * and mutations of them.
 */

export interface WireSchema<T> {
  /** The zod schema this was compiled from (the source of truth and of the type). */
  readonly zod: z.ZodType<T>;
  /** The body itself when it has the shape, or what is wrong with it (a JSON pointer and a reason). */
  check(body: unknown): { ok: true; value: T } | { ok: false; problem: string };
}

/** Formats wire schemas may name with `.meta({ format })`; `date-time` is checked by the pattern zod emits beside it. */
export const WIRE_FORMATS = {
  'date-time': true,
  /** Anything `Date.parse` reads (vendors that write instants loosely). */
  instant: (value: string): boolean => !Number.isNaN(parseInstant(value)),
} as const;
export type WireFormat = Exclude<keyof typeof WIRE_FORMATS, 'date-time'>;

// allowUnionTypes: `type: ['string', 'null']`, what collapseUnions writes for zod's nullables.
const ajv = new Ajv({ strict: true, allErrors: false, allowUnionTypes: true, formats: WIRE_FORMATS });

type JsonSchemaNode = { [key: string]: unknown };

/** Keywords that constrain only values of one JSON type (a `null` passes them), or annotate. */
const TYPE_SPECIFIC = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames', 'minProperties',
  'maxProperties', 'items', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'pattern', 'format',
  'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'description', 'title', 'default', 'examples', 'enum', 'const',
]);

function isNode(value: unknown): value is JsonSchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The same verdicts without `anyOf` where a union is only of JSON types: zod writes `.nullable()` as
 * `anyOf: [S, { type: 'null' }]`, and Ajv's `anyOf` allocates an error object for every branch a value
 * fails (each null, each string of a string-or-number) even when a later branch passes (measured in
 * docs/benchmarks.md, "Second round"). `{ type: [S's type, 'null'] }` with S's other
 * keywords checks the same values, because every keyword kept applies to S's type only (a null passes
 * `properties` or `pattern`); `enum`/`const` get `null` added. Anything else keeps its `anyOf`.
 */
function collapseUnion(members: readonly unknown[]): JsonSchemaNode | null {
  if (!members.every((member) => isNode(member) && typeof member.type === 'string' && Object.keys(member).every((key) => TYPE_SPECIFIC.has(key)))) {
    return null;
  }
  const nodes = members as JsonSchemaNode[];
  const types = nodes.map((node) => node.type as string);
  if (new Set(types).size !== types.length) return null;
  const bare = nodes.filter((node) => Object.keys(node).length === 1);
  // Only bare types (`string | number`), or one constrained type beside bare `null`.
  if (bare.length === nodes.length) return { type: types };
  if (nodes.length !== 2 || bare.length !== 1 || bare[0]!.type !== 'null') return null;
  const constrained = nodes.find((node) => node !== bare[0])!;
  const { const: constant, enum: values, ...rest } = constrained;
  const collapsed: JsonSchemaNode = { ...rest, type: [constrained.type, 'null'] };
  if (values !== undefined) collapsed.enum = [...(values as unknown[]), null];
  if (constant !== undefined) collapsed.enum = [constant, null];
  return collapsed;
}

function collapseUnions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(collapseUnions);
  if (!isNode(value)) return value;
  const node: JsonSchemaNode = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'enum' || key === 'const' ? inner : collapseUnions(inner)]));
  if (!Array.isArray(node.anyOf)) return node;
  const { anyOf, ...others } = node;
  const collapsed = collapseUnion(anyOf);
  // Only a node that is its union alone (zod's shape): keywords beside `anyOf` would have to be merged.
  return collapsed && Object.keys(others).every((key) => key === 'description' || key === 'title' || key === '$schema') ? { ...others, ...collapsed } : node;
}

function hasRefinement(schema: z.core.$ZodType): boolean {
  return (schema._zod.def.checks ?? []).some((check) => check._zod.def.check === 'custom');
}

/** Compiles `schema` (once, at module load: compiling costs about a millisecond). */
export function wireSchema<T>(schema: z.ZodType<T>): WireSchema<T> {
  const jsonSchema = z.toJSONSchema(schema, {
    target: 'draft-7',
    // What a vendor may send: unknown keys allowed (zod's output mode would forbid them).
    io: 'input',
    unrepresentable: 'throw',
    override: ({ zodSchema, jsonSchema: emitted }) => {
      if (hasRefinement(zodSchema) && emitted.format === undefined) {
        throw new TypeError('a wire schema refinement must name a WIRE_FORMATS format with .meta({ format }), or Ajv would skip its check');
      }
    },
  });
  const validate: ValidateFunction = ajv.compile(collapseUnions(jsonSchema) as JsonSchemaNode);
  return {
    zod: schema,
    check(body) {
      if (validate(body)) return { ok: true, value: body as T };
      return { ok: false, problem: describe(validate.errors) };
    },
  };
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'unexpected shape';
  return `${first.instancePath || '(body)'} ${first.message ?? 'is not as expected'}`;
}

/** An instant read with `Date.parse` (checked the same by zod and by the compiled validator). */
export const looseInstant = (): z.ZodType<string> =>
  z
    .string()
    .refine((value) => WIRE_FORMATS.instant(value), 'an instant Date.parse reads')
    .meta({ format: 'instant' satisfies WireFormat });
