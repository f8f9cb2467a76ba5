import type { ConversationDetails, ConversationFilter, JsonObject, Provider } from '../domain.js';
import type { Emulator } from '../emulators/framework.js';
import type { EmulatorOptions } from '../emulators/options.js';
import type { HttpSettings } from './http-settings.js';
import type { UpstreamRuntime } from './upstream-runtime.js';
import type { VendorAdapter } from './port.js';
import type { ScanSettings } from '../streams/scan-settings.js';

/**
 * Everything the graph knows about one vendor, in one object: a vendor is added by writing its folder
 * (`src/vendors/<folder>/`, with `vendor.ts` exporting its `VendorModule`) and one entry in the list
 * (`src/vendors/vendors.ts`). No other file names a vendor (test/vendor-seam.test.ts greps for it).
 *
 * What the graph derives from a module:
 * - the GraphQL `Provider` enum value, the vendor's `ConversationFilter.<filter.key>` input and its member of
 *   the `ConversationDetails` union (`filter`, `details`);
 * - its environment variables, validated with every other problem at start (`configuration`), plus the
 *   per-vendor variables every vendor has (`<envPrefix>_RATE_LIMIT`; see vendor-settings.ts);
 * - its adapter (`createAdapter`), the headers the bench's pass-through sends as the adapter does
 *   (`credentialHeaders`), what a vendor id inside a global id may look like (`ids`);
 * - what a query costs upstream before it runs (`cost`, else derived from `capabilities.pagination`),
 *   which arguments it refuses before any call (`capabilities`);
 * - its demo emulator (`emulator`), loaded only when the demo or a test starts it;
 * - its line in `/ready`.
 */
export interface VendorModule<Settings extends VendorSettings = VendorSettings> {
  /**
   * The GraphQL `Provider` enum value (UPPER_SNAKE_CASE, never changed once served: it is inside every global
   * id and cursor binding) and the `provider` of every Conversation, Person and Message the adapter maps.
   */
  readonly provider: Provider;
  readonly names: VendorNames;
  readonly configuration: VendorConfiguration<Settings>;
  /** The headers the vendor's client sends with every call (credentials, tenant headers). */
  credentialHeaders(settings: Settings): Record<string, string>;
  readonly ids: VendorIdFormats;
  readonly capabilities: VendorCapabilities;
  readonly filter: VendorFilter<unknown>;
  readonly details: VendorDetailsType;
  /** Upstream calls of one page of conversations; absent: derived from `capabilities.pagination`. */
  readonly cost?: VendorCost<Settings>;
  readonly emulator: VendorEmulator;
  /**
   * One adapter over the configured vendor: opened once at start, closed at stop. `context.http` holds the
   * graph's plain HTTP settings and `context.runtime` its runtime hooks (observer, rate-limit gate, shared store):
   * the vendor's client passes both into its `HttpClient` options.
   */
  createAdapter(settings: Settings, context: VendorAdapterContext): VendorAdapter;
}

/** How the vendor is named outside the GraphQL enum. */
export interface VendorNames {
  /** For people: error messages, logs, docs, schema descriptions (`Acme Chat`). */
  readonly display: string;
  /** The vendor's folder under src/vendors/ and test/vendors/, and its emulator's file (`acme-chat`). */
  readonly folder: string;
  /** Prefix of its environment variables (`ACME_CHAT` for `ACME_CHAT_BASE_URL`). */
  readonly envPrefix: string;
}

/** What every configured vendor's settings have. */
export interface VendorSettings {
  /** Origin and path prefix of the vendor's API, without a trailing slash. */
  readonly baseUrl: string;
}

/**
 * The vendor's own environment variables. The vendor is configured when `read` answers settings; it answers
 * null when the vendor is left out (by convention: `<envPrefix>_BASE_URL` unset). Every problem goes to
 * `env.problem` (or the readers that report their own), so the graph refuses to start listing all of them.
 */
export interface VendorConfiguration<Settings> {
  /** Every variable `read` may read, for the docs' completeness check; the shared per-vendor ones are not listed here. */
  readonly variables: readonly string[];
  read(env: VendorEnvReader): Settings | null;
}

/** Typed readers of the environment; each reports what is wrong with its variable and gives a harmless value. */
export interface VendorEnvReader {
  /** The trimmed value, or undefined when unset or blank. */
  read(name: string): string | undefined;
  /** An http(s) URL without trailing slashes; a problem (and undefined) when it is not one. */
  url(name: string): string | undefined;
  /** The value; a problem ("`name` is required because `because` is set") and '' when unset. */
  required(name: string, because: string): string;
  /** A comma-separated list, trimmed, blanks dropped, duplicates removed (first wins). */
  list(name: string): string[];
  /** An integer in [min, max]; a problem and `fallback` otherwise. */
  integer(name: string, fallback: number, min: number, max: number): number;
  problem(message: string): void;
}

/**
 * Vendor ids arrive inside global ids, which are unsigned: before one reaches the vendor (a URL path, an RSQL
 * or OData filter) it must match `conversation`. What no vendor id can be (empty, a dot-segment, slashes,
 * control characters, over 256 characters) is refused before (vendor-ids.ts).
 */
export interface VendorIdFormats {
  readonly conversation: VendorIdFormat;
}

export interface VendorIdFormat {
  /** What the vendor's ids look like, for the error message (`an Acme Chat conversation id (decimal digits)`). */
  description: string;
  pattern: RegExp;
}

/** What the vendor's API can do; the graph acts on each (refusals, estimates, fields answered without a call). */
export interface VendorCapabilities {
  /** How its list pages: offset/limit, page numbers, or opaque cursors, and its largest page. */
  readonly pagination: { readonly style: 'offset' | 'page' | 'cursor'; readonly maxPageSize: number };
  /** Its conversations can be paged backward (`last`/`before`); false: refused with UNSUPPORTED_PAGINATION before any call. */
  readonly backward: boolean;
  /**
   * Backward pages and counts go through a scan index the graph builds by walking the vendor's list (it has no
   * reverse order and no total): the first such page pays the walk, later ones within SCAN_INDEX_TTL_MS reuse it.
   */
  readonly scanIndex?: boolean;
  /** It can count a filtered list; false: `totalCount` is null for it, without a call. */
  readonly totalCount: boolean;
  /** It has messages; false: `messagesAvailable` is false and `messages` empty, without a call. */
  readonly messages: boolean;
  /** Who a conversation's people are: false answers `creator` null / `members` [] without asking the adapter. */
  readonly people: { readonly creator: boolean; readonly members: boolean };
  /**
   * How `node(id)` finds a conversation again: by its id, or (no look-up by id) by the creation instant the
   * global id carries. `by-created-at`: a key without that instant is not found, without a call.
   */
  readonly lookUp: 'by-id' | 'by-created-at';
}

/** Upstream calls of one page; `settings` is undefined when the vendor is asked for but not configured. */
export interface VendorCost<Settings> {
  listCalls(page: ListPage, settings: Settings | undefined): number;
}

/** A vendor's estimate of one page: its own `cost`, else one call per block of its largest page, one more to find the end. */
export function listCallsOf<Settings extends VendorSettings>(vendor: VendorModule<Settings>, page: ListPage, settings: Settings | undefined): number {
  if (vendor.cost) return vendor.cost.listCalls(page, settings);
  return Math.max(1, Math.ceil(page.count / vendor.capabilities.pagination.maxPageSize)) + (page.backwardFromEnd ? 1 : 0);
}

export interface ListPage {
  /** Conversations asked for (`first` or `last`). */
  count: number;
  /** `last` without `before`: the end of the list is found first. */
  backwardFromEnd: boolean;
}

export interface StartedEmulator {
  emulator: Emulator;
  /** The variables (base URL, credentials) that point the graph at this emulator. */
  env: Record<string, string>;
}

export interface VendorEmulator {
  /** Port of `npm run emulators` (tests and `npm start` use free ports). */
  readonly defaultPort: number;
  /** Starts the vendor's emulator; implement it with a dynamic import, so the graph loads emulators only for the demo. */
  start(options: EmulatorOptions): Promise<StartedEmulator>;
}

export interface VendorAdapterContext {
  /** Plain settings of every vendor client (timeouts, retries, breaker, connections, body cap, coalescing). */
  http: HttpSettings;
  /** The runtime port: hooks the client calls (observer, rate-limit gate) and the shared store. */
  runtime: UpstreamRuntime;
  scans: ScanSettings;
}

// ---------------------------------------------------------------------------------------------------------------
// The vendor's filter input and details type: data the schema builds its GraphQL types from (src/schema/).

export type GraphScalar = 'String' | 'Boolean' | 'Int' | 'ID' | 'DateTime' | 'JSONObject';

interface ScalarValues {
  String: string;
  Boolean: boolean;
  Int: number;
  ID: string;
  DateTime: Date;
  JSONObject: JsonObject;
}

/** A GraphQL input object type: `ConversationFilter.<key>` is one, and fields may nest others (a list of entries). */
export interface InputObjectSpec {
  readonly name: string;
  readonly description?: string;
  readonly fields: { readonly [field: string]: InputFieldSpec };
}

export interface InputFieldSpec {
  readonly type: GraphScalar | InputObjectSpec;
  readonly list?: boolean;
  /** Non-null in GraphQL; only inside nested inputs (a vendor's section and its fields are optional). */
  readonly required?: boolean;
  readonly description?: string;
}

type SingleValue<T> = T extends GraphScalar ? ScalarValues[T] : T extends InputObjectSpec ? InputValue<T> : never;
type FieldValue<F extends InputFieldSpec> = F extends { readonly list: true } ? readonly SingleValue<F['type']>[] : SingleValue<F['type']>;
type RequiredKeys<S extends InputObjectSpec> = { [K in keyof S['fields']]: S['fields'][K] extends { readonly required: true } ? K : never }[keyof S['fields']];

/** The coerced argument value of an input object `S` as the parse function receives it. */
export type InputValue<S extends InputObjectSpec> = { readonly [K in RequiredKeys<S>]: FieldValue<S['fields'][K]> } & {
  readonly [K in Exclude<keyof S['fields'], RequiredKeys<S>>]?: FieldValue<S['fields'][K]> | null;
};

/**
 * The vendor's section of `ConversationFilter` (GraphQL field `key`, input type `input`) and its validated form,
 * which lands at `ConversationFilter[key]` in the domain filter (null when the client left it out) and which the
 * vendor's adapter reads back with `of`.
 */
export interface VendorFilter<Section> {
  /** Field of `ConversationFilter` in GraphQL and in the domain filter (lowerCamelCase, unique, not `createdAt`). */
  readonly key: string;
  readonly input: InputObjectSpec;
  /** Validates the section (`argument`: its path, `filter.<key>`); throws BAD_USER_INPUT (errors.ts `badUserInput`). */
  parse(value: unknown, argument: string): Section;
  /** The section in a domain filter, or null when the client did not send one. */
  of(filter: ConversationFilter): Section | null;
}

/** Typed helper for a module's `filter`: `parse` receives the argument shaped by `input`. */
export function defineVendorFilter<const S extends InputObjectSpec, Section>(spec: {
  key: string;
  input: S;
  parse(value: InputValue<S>, argument: string): Section;
}): VendorFilter<Section> {
  return {
    key: spec.key,
    input: spec.input,
    // The schema coerced the argument against `input` before it reaches here.
    parse: (value, argument) => spec.parse(value as InputValue<S>, argument),
    of: (filter) => (filter[spec.key] as Section | null | undefined) ?? null,
  };
}

type OutputFieldFor<Details, T extends GraphScalar> =
  | { readonly type: T; readonly list?: false; readonly nullable?: false; readonly description?: string; resolve(details: Details): ScalarValues[T] }
  | { readonly type: T; readonly list?: false; readonly nullable: true; readonly description?: string; resolve(details: Details): ScalarValues[T] | null }
  /** A list of the scalar: `[T!]!`, or `[T!]` when nullable. */
  | { readonly type: T; readonly list: true; readonly nullable?: boolean; readonly description?: string; resolve(details: Details): readonly ScalarValues[T][] | null };

/**
 * An object type nested in a vendor's details (a vendor's `aiAgent { … }`): its own name (unique in the schema)
 * and fields, each resolving from the value its parent field resolved.
 */
export interface DetailsObjectSpec<Value> {
  readonly name: string;
  readonly description?: string;
  readonly fields: { readonly [field: string]: OutputFieldSpec<Value> };
}

/** A field of a nested object type (or a list of them), resolving to that type's value. */
interface ObjectFieldFor<Details> {
  // The nested value's type is its spec's concern: the schema hands the resolved value to the nested fields as it is.
  readonly type: DetailsObjectSpec<never>;
  readonly list?: boolean;
  readonly nullable?: boolean;
  readonly description?: string;
  resolve(details: Details): unknown;
}

export type OutputFieldSpec<Details> = { [T in GraphScalar]: OutputFieldFor<Details, T> }[GraphScalar] | ObjectFieldFor<Details>;

/** A nested object type for a module's `details`: each field resolves from `Value`. */
export function defineDetailsObject<Value>(spec: { name: string; description?: string; fields: { readonly [field: string]: OutputFieldSpec<Value> } }): DetailsObjectSpec<never> {
  return spec as unknown as DetailsObjectSpec<never>;
}

/** The vendor's member of the `ConversationDetails` union: an object type over its `Conversation.details`. */
export interface VendorDetailsType {
  readonly name: string;
  readonly description?: string;
  readonly fields: { readonly [field: string]: OutputFieldSpec<ConversationDetails> };
}

/** Typed helper for a module's `details`: each field resolves from the vendor's own details type. */
export function defineDetailsType<Details extends ConversationDetails>(spec: {
  name: string;
  description?: string;
  fields: { readonly [field: string]: OutputFieldSpec<Details> };
}): VendorDetailsType {
  // The union routes a value here only when its `provider` is this vendor's, so it is a `Details`.
  return spec as unknown as VendorDetailsType;
}

/** A module, checked: its settings type flows from `configuration.read` into the functions that use it. */
export function defineVendor<const P extends Provider, Settings extends VendorSettings>(
  module: VendorModule<Settings> & { readonly provider: P },
): VendorModule<Settings> & { readonly provider: P } {
  return module;
}
