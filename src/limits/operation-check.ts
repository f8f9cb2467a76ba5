import {
  GraphQLError,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  isNonNullType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { parsePageRequest, DEFAULT_PAGE_SIZE } from '../connection/connection.js';
import type { Provider } from '../domain.js';
import { ErrorCode } from '../errors.js';
import { toDomainFilter, type ConversationFilterArg } from '../schema/filter.js';
import { listCallsOf, type VendorModule, type VendorSettings } from '../vendors/vendor-module.js';
import type { LimitsConfig } from './settings.js';

/**
 * Everything refused before the first resolver runs, so before any upstream call: depth (introspection
 * included, fragments expanded whatever their name), the estimated cost and number of upstream calls computed
 * from the coerced argument values (variables included), the size of every input value, and the Relay and
 * filter arguments of every connection, nested ones included.
 */

export interface OperationLimits extends LimitsConfig {
  maxPageSize: number;
  /** The providers a `conversations` without `providers` reads. */
  configuredProviders: readonly Provider[];
  /** Every vendor the graph serves: what one page of each costs upstream (`cost`, else its pagination). */
  vendors: readonly VendorModule[];
  /** Settings of the configured vendors, which some vendors' costs depend on. */
  vendorConfigs: Partial<Record<Provider, VendorSettings>>;
}

export interface OperationEstimate {
  /** Field values the operation can resolve, at most. */
  cost: number;
  /** Upstream calls the operation can make, estimated per vendor (README: limits). */
  upstreamCalls: number;
  /** Deepest selection of fields, fragments expanded. */
  depth: number;
}

/** The code of every refusal for depth or estimate: a query limit, as graphql-armor's are (README: error codes). */
export const QUERY_LIMIT_CODE = 'GRAPHQL_VALIDATION_FAILED';

/** Cursors are longer than other strings: a vendor's position may hold a scan state. */
const CURSOR_ARGUMENTS = new Set(['after', 'before']);
const MAX_CURSOR_LENGTH = 4096;
/** Global ids hold a vendor id (≤ 256 characters) and a little more. */
const ID_ARGUMENTS = new Set(['id', 'ids']);
const MAX_ID_LENGTH = 1024;

/**
 * Everything in the check that depends only on (schema, document, operation) is compiled once and kept beside the
 * document: Yoga caches the parsed document per query string, so the same object comes back request after
 * request. A plan holds the fields of each selection with fragments expanded, each field's definition, which
 * arguments it has and whether their values are literals (then coerced once), and which estimate applies to it.
 * Each request evaluates only what depends on the variables: argument values, input sizes, Relay and filter
 * arguments, page sizes and what they multiply. The answers are those of a walk of the document itself, in the
 * same order; `src/limits/operation-plan.test.ts` checks one document object with several variable sets, operations and schemas.
 */

/** Plans are kept per document (collected with it) and schema, one per operation name. */
interface DocumentPlans {
  schema: GraphQLSchema;
  /** `null` (no name): the document's only operation. A plan of `null`: the schema has no root for the operation. */
  plans: Map<string | null, OperationPlan | null>;
}

const PLANS = new WeakMap<DocumentNode, DocumentPlans>();

/**
 * Entries (fields, fragments expanded) a plan may hold and stay cached. graphql-armor caps a document at 2,000 tokens,
 * so a document without reused fragments stays far below; one whose fragments expand past it is planned for its
 * request only, which costs about what walking it did before plans.
 */
export const MAX_PLANNED_FIELDS = 5_000;

/** How a field's arguments are coerced per request. */
const NO_ARGUMENTS = 0;
/** Literals only: coerced once, when planned. */
const LITERAL_ARGUMENTS = 1;
/** Literals that do not coerce: execution reports them; the field is skipped. */
const INVALID_ARGUMENTS = 2;
/** Literals and variables: each argument's plan (`ArgumentStep`) read per request. */
const VARIABLE_ARGUMENTS = 3;
/** A variable inside a literal list or object: `getArgumentValues` per request. */
const NESTED_VARIABLE_ARGUMENTS = 4;

/** How one argument's value is found per request, as `getArgumentValues` finds it. */
const ARGUMENT_ABSENT = 0;
const ARGUMENT_VARIABLE = 1;
const ARGUMENT_LITERAL = 2;

interface ArgumentStep {
  readonly name: string;
  readonly kind: number;
  readonly nonNull: boolean;
  readonly defaultValue: unknown;
  /** ARGUMENT_VARIABLE: the variable's name. */
  readonly variable: string;
  /** ARGUMENT_LITERAL: the coerced value, or `invalid`. */
  readonly value: unknown;
  readonly invalid: boolean;
}

function argumentSteps(definition: GraphQLField<unknown, unknown>, node: FieldNode): ArgumentStep[] {
  // The last of arguments with the same name, as getArgumentValues reads them.
  const nodes = new Map<string, ValueNode>();
  for (const argument of node.arguments ?? []) nodes.set(argument.name.value, argument.value);
  return definition.args.map((argument) => {
    const valueNode = nodes.get(argument.name);
    const nonNull = isNonNullType(argument.type);
    const step = { name: argument.name, kind: ARGUMENT_ABSENT, nonNull, defaultValue: argument.defaultValue, variable: '', value: undefined as unknown, invalid: false };
    if (!valueNode) return step;
    if (valueNode.kind === Kind.VARIABLE) return { ...step, kind: ARGUMENT_VARIABLE, variable: valueNode.name.value };
    let value: unknown;
    try {
      value = valueNode.kind === Kind.NULL && nonNull ? undefined : valueFromAST(valueNode, argument.type);
    } catch {
      value = undefined;
    }
    return { ...step, kind: ARGUMENT_LITERAL, value, invalid: value === undefined };
  });
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** The field's argument values, as `getArgumentValues` coerces them; `undefined` where it would throw. */
function argumentValues(steps: readonly ArgumentStep[], variables: Record<string, unknown>): Record<string, unknown> | undefined {
  const values: Record<string, unknown> = {};
  for (const step of steps) {
    if (step.kind === ARGUMENT_LITERAL) {
      if (step.invalid) return undefined;
      values[step.name] = step.value;
      continue;
    }
    if (step.kind === ARGUMENT_VARIABLE && hasOwn(variables, step.variable)) {
      const value = variables[step.variable];
      if (value === undefined || (value === null && step.nonNull)) return undefined;
      values[step.name] = value;
      continue;
    }
    // Left out, or a variable without a value: the default, else nothing (refused when required).
    if (step.defaultValue !== undefined) values[step.name] = step.defaultValue;
    else if (step.nonNull) return undefined;
  }
  return values;
}

/** An input type as the size check walks it (one per type object, so per schema). */
interface InputShape {
  kind: number;
  /** INPUT_LIST: its entries'. */
  of: InputShape | undefined;
  /** INPUT_OBJECT: its fields'. */
  fields: Map<string, InputShape> | undefined;
}
const INPUT_LEAF = 0;
const INPUT_LIST = 1;
const INPUT_OBJECT = 2;

const SHAPES = new WeakMap<GraphQLInputType, InputShape>();

function shapeOf(type: GraphQLInputType): InputShape {
  let shape = SHAPES.get(type);
  if (shape) return shape;
  shape = { kind: INPUT_LEAF, of: undefined, fields: undefined };
  // Before its fields: an input object may hold itself.
  SHAPES.set(type, shape);
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    shape.kind = INPUT_LIST;
    shape.of = shapeOf(nullable.ofType as GraphQLInputType);
  } else if (isInputObjectType(nullable)) {
    shape.kind = INPUT_OBJECT;
    shape.fields = new Map();
    for (const [name, field] of Object.entries(nullable.getFields())) shape.fields.set(name, shapeOf(field.type));
  }
  return shape;
}

/** An argument whose value's size is checked. */
interface CheckedInput {
  readonly name: string;
  readonly shape: InputShape;
}

/** Which estimate a field adds to (see `Evaluation.visit`). */
const ESTIMATE_NONE = 0;
const ESTIMATE_CONVERSATIONS = 1;
const ESTIMATE_NODES = 2;
const ESTIMATE_NODE = 3;
const ESTIMATE_ENTITIES = 4;
const ESTIMATE_MESSAGES = 5;
const ESTIMATE_MEMBERS = 6;
const ESTIMATE_CREATOR = 7;
const ESTIMATE_TOTAL_COUNT = 8;
const ESTIMATE_EDGES = 9;
const ESTIMATE_LIST = 10;

const NO_VALUES: Readonly<Record<string, unknown>> = Object.freeze({});

/** One field of a selection, on the type it is selected on. */
class PlannedField {
  readonly node: FieldNode;
  readonly responseKey: string;
  readonly typename: boolean;
  /** `__schema` or `__type` on the root type. */
  readonly opensIntrospection: boolean;
  readonly definition: GraphQLField<unknown, unknown> | undefined;
  /** The type the field's selection is on: its named type, or (no definition) the type it is selected on. */
  readonly childType: GraphQLNamedType;
  readonly argumentKind: number;
  readonly literalValues: Record<string, unknown> | undefined;
  readonly argumentSteps: readonly ArgumentStep[] | undefined;
  /** The arguments whose sizes are checked, in the definition's order. */
  readonly inputs: readonly CheckedInput[];
  /** Has both `first` and `last`: its Relay arguments are checked. */
  readonly relayArguments: boolean;
  readonly filterArgument: boolean;
  readonly listsConversations: boolean;
  readonly estimate: number;
  /** The fields of its selection, planned when first walked. */
  children: PlannedField[] | undefined;

  constructor(node: FieldNode, on: GraphQLNamedType, root: GraphQLObjectType) {
    const name = node.name.value;
    this.node = node;
    this.responseKey = node.alias?.value ?? name;
    this.typename = name === '__typename';
    this.opensIntrospection = (name === '__schema' || name === '__type') && on === root;
    const definition = isObjectType(on) || isInterfaceType(on) ? on.getFields()[name] : undefined;
    this.definition = definition;
    this.childType = definition ? getNamedType(definition.type) : on;
    this.children = undefined;
    let argumentKind = NO_ARGUMENTS;
    let literalValues: Record<string, unknown> | undefined;
    let steps: ArgumentStep[] | undefined;
    let inputs: CheckedInput[] = [];
    let relayArguments = false;
    let filterArgument = false;
    let listsConversations = false;
    let estimate = ESTIMATE_NONE;
    if (definition) {
      if (definition.args.length > 0) {
        const values = (node.arguments ?? []).map((argument) => argument.value);
        if (values.some((value) => value.kind !== Kind.VARIABLE && holdsVariable(value))) argumentKind = NESTED_VARIABLE_ARGUMENTS;
        else if (values.some((value) => value.kind === Kind.VARIABLE)) {
          argumentKind = VARIABLE_ARGUMENTS;
          steps = argumentSteps(definition, node);
        } else {
          try {
            literalValues = getArgumentValues(definition, node);
            argumentKind = LITERAL_ARGUMENTS;
          } catch {
            argumentKind = INVALID_ARGUMENTS;
          }
        }
      }
      // `_entities` has its own cap (MAX_ENTITY_REPRESENTATIONS) and answers it in its own way.
      inputs = definition.args.filter((argument) => argument.name !== 'representations').map((argument) => ({ name: argument.name, shape: shapeOf(argument.type) }));
      const names = new Set(definition.args.map((argument) => argument.name));
      relayArguments = names.has('first') && names.has('last');
      listsConversations = definition.name === 'conversations' || definition.name === 'conversationAdded';
      filterArgument = names.has('filter');
      estimate = estimateOf(on.name, name, root, definition);
    }
    this.argumentKind = argumentKind;
    this.literalValues = literalValues;
    this.argumentSteps = steps;
    this.inputs = inputs;
    this.relayArguments = relayArguments;
    this.filterArgument = filterArgument;
    this.listsConversations = listsConversations;
    this.estimate = estimate;
  }
}

function holdsVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(holdsVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => holdsVariable(field.value));
  return false;
}

function estimateOf(typeName: string, name: string, root: GraphQLObjectType, definition: GraphQLField<unknown, unknown>): number {
  if (typeName === root.name && name === 'conversations') return ESTIMATE_CONVERSATIONS;
  if (typeName === root.name && name === 'nodes') return ESTIMATE_NODES;
  if (typeName === root.name && name === 'node') return ESTIMATE_NODE;
  if (typeName === root.name && name === '_entities') return ESTIMATE_ENTITIES;
  if (typeName === 'Conversation' && name === 'messages') return ESTIMATE_MESSAGES;
  if (typeName === 'Conversation' && name === 'members') return ESTIMATE_MEMBERS;
  if (typeName === 'Conversation' && name === 'creator') return ESTIMATE_CREATOR;
  if (typeName === 'ConversationConnection' && name === 'totalCount') return ESTIMATE_TOTAL_COUNT;
  if (name === 'edges') return ESTIMATE_EDGES;
  // An edge's node: one per edge.
  if (name === 'node') return ESTIMATE_NONE;
  if (isListType(getNullableType(definition.type))) return ESTIMATE_LIST;
  return ESTIMATE_NONE;
}

/** What one operation of one document needs from the schema, planned as it is walked. */
class OperationPlan {
  readonly schema: GraphQLSchema;
  readonly operation: OperationDefinitionNode;
  readonly root: GraphQLObjectType;
  readonly fragments: Map<string, FragmentDefinitionNode>;
  /** Fields of a selection set on a type, fragments expanded. */
  readonly selections = new Map<SelectionSetNode, Map<GraphQLNamedType, PlannedField[]>>();
  /** One plan per field node and type (a fragment spread twice expands to the same plans). */
  readonly fields = new Map<FieldNode, Array<{ on: GraphQLNamedType; field: PlannedField }>>();
  /** Entries of every planned selection. */
  size = 0;
  /** Drops the plan from the cache (once it holds more than MAX_PLANNED_FIELDS). */
  release: (() => void) | undefined = undefined;
  readonly top: PlannedField[];

  constructor(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, root: GraphQLObjectType) {
    this.schema = schema;
    this.operation = operation;
    this.root = root;
    this.fragments = new Map();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
    this.top = this.selection(operation.selectionSet, root);
  }

  /** Fields of a selection set (fragments expanded, any name, `__schema` included), with the type they are on. */
  selection(selectionSet: SelectionSetNode, parent: GraphQLNamedType): PlannedField[] {
    let byType = this.selections.get(selectionSet);
    if (!byType) {
      byType = new Map();
      this.selections.set(selectionSet, byType);
    }
    let fields = byType.get(parent);
    if (fields) return fields;
    fields = [];
    this.expand(selectionSet, parent, [], fields);
    byType.set(parent, fields);
    this.size += fields.length;
    if (this.size > MAX_PLANNED_FIELDS && this.release) {
      this.release();
      this.release = undefined;
    }
    return fields;
  }

  /** `seen`: the fragments being expanded around this selection set (a cycle stops where it closes). */
  private expand(selectionSet: SelectionSetNode, parent: GraphQLNamedType, seen: string[], into: PlannedField[]): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) into.push(this.field(selection, parent));
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) ?? parent : parent;
        this.expand(selection.selectionSet, on, seen, into);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        if (!fragment || seen.includes(fragment.name.value)) continue;
        const on = this.schema.getType(fragment.typeCondition.name.value) ?? parent;
        seen.push(fragment.name.value);
        this.expand(fragment.selectionSet, on, seen, into);
        seen.pop();
      }
    }
  }

  private field(node: FieldNode, on: GraphQLNamedType): PlannedField {
    let planned = this.fields.get(node);
    if (!planned) {
      planned = [];
      this.fields.set(node, planned);
    }
    for (const candidate of planned) if (candidate.on === on) return candidate.field;
    const field = new PlannedField(node, on, this.root);
    planned.push({ on, field });
    return field;
  }

  childrenOf(field: PlannedField): PlannedField[] {
    return (field.children ??= this.selection(field.node.selectionSet!, field.childType));
  }
}

/** The plan of the operation `operationName` picks, or `undefined` when none is picked, `null` when the schema lacks its root. */
function planOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): OperationPlan | null | undefined {
  const key = operationName ? operationName : null;
  let cached = PLANS.get(document);
  if (cached && cached.schema !== schema) cached = undefined;
  const known = cached?.plans.get(key);
  if (known !== undefined) return known;
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  // Not cached: a name that picks nothing costs its look-up each time, and no request grows the cache with names.
  if (!operation) return undefined;
  if (!cached) {
    cached = { schema, plans: new Map() };
    PLANS.set(document, cached);
  }
  const plans = cached.plans;
  const root = schema.getRootType(operation.operation);
  if (!root) {
    plans.set(key, null);
    return null;
  }
  const plan = new OperationPlan(schema, document, operation, root);
  if (plan.size <= MAX_PLANNED_FIELDS) {
    plans.set(key, plan);
    plan.release = () => {
      if (plans.get(key) === plan) plans.delete(key);
    };
  }
  return plan;
}

/** One request's walk of a plan. */
class Evaluation {
  readonly plan: OperationPlan;
  readonly variables: Record<string, unknown>;
  readonly limits: OperationLimits;
  readonly errors: GraphQLError[] = [];
  cost = 0;
  calls = 0;
  depth = 0;
  introspectionDepth = 0;
  /** Response keys from the root to the field being walked. */
  readonly path: (string | number)[] = [];
  /** Calls of one `totalCount`, per parent: once it is first needed. */
  private countingCalls = -1;

  constructor(plan: OperationPlan, variables: Record<string, unknown>, limits: OperationLimits) {
    this.plan = plan;
    this.variables = variables;
    this.limits = limits;
  }

  refuse(message: string, extensions: Record<string, unknown>): void {
    this.errors.push(refuse(message, extensions, this.path.slice()));
  }

  /** Checks the size of one input value against the limits, naming the argument. */
  checkInput(value: unknown, shape: InputShape, argument: string, root: string): void {
    if (value === null || value === undefined) return;
    if (shape.kind === INPUT_LIST) {
      const list = value as unknown[];
      const maximum = root === 'ids' ? this.limits.maxNodeIds : this.limits.maxListLength;
      if (list.length > maximum) {
        this.refuse(`\`${argument}\` holds ${list.length} entries; at most ${maximum} are accepted.`, { code: ErrorCode.BAD_USER_INPUT, argument, maximum });
        return;
      }
      const entries = shape.of!;
      list.forEach((entry) => this.checkInput(entry, entries, argument, root));
      return;
    }
    if (shape.kind === INPUT_OBJECT) {
      const fields = shape.fields!;
      for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        const field = fields.get(name);
        if (field) this.checkInput(entry, field, `${argument}.${name}`, root);
      }
      return;
    }
    if (typeof value === 'string') {
      const maximum = CURSOR_ARGUMENTS.has(root) ? MAX_CURSOR_LENGTH : ID_ARGUMENTS.has(root) ? MAX_ID_LENGTH : this.limits.maxStringLength;
      if (value.length > maximum) {
        this.refuse(`\`${argument}\` is ${value.length} characters long; at most ${maximum} are accepted.`, { code: ErrorCode.BAD_USER_INPUT, argument, maximum });
      }
    }
  }

  /** Relay and filter arguments, checked as the resolvers will check them, but before any of them runs. */
  checkArguments(field: PlannedField, args: Record<string, unknown>): void {
    try {
      if (field.relayArguments) parsePageRequest(args as Parameters<typeof parsePageRequest>[0], this.limits.maxPageSize);
      if (field.filterArgument && field.listsConversations) toDomainFilter(args.filter as ConversationFilterArg | undefined, this.limits.vendors);
      if (field.listsConversations && Array.isArray(args.providers) && args.providers.length === 0) {
        throw refuse('`providers` must not be empty; leave it out for all providers.', { code: ErrorCode.BAD_USER_INPUT, argument: 'providers' });
      }
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      this.errors.push(new GraphQLError(error.message, { extensions: error.extensions, path: this.path.slice() }));
    }
  }

  visit(
    fields: readonly PlannedField[],
    /** Parent objects this selection is resolved for, at most. */
    multiplicity: number,
    /** Set on a connection's fields: how many edges the connection holds. */
    page: number,
    depth: number,
    inIntrospection: boolean,
  ): void {
    const limits = this.limits;
    for (const field of fields) {
      const introspection = inIntrospection || field.opensIntrospection;
      const level = depth + 1;
      if (introspection) this.introspectionDepth = Math.max(this.introspectionDepth, level);
      else this.depth = Math.max(this.depth, level);
      this.cost += multiplicity;
      if (field.typename) continue;
      const definition = field.definition;
      if (!definition) {
        // Introspection fields are not part of the schema's types: walk their selections for depth only.
        if (introspection && field.node.selectionSet) {
          this.path.push(field.responseKey);
          this.visit(this.plan.childrenOf(field), multiplicity, 1, level, true);
          this.path.pop();
        }
        continue;
      }
      let args: Record<string, unknown>;
      if (field.argumentKind === NO_ARGUMENTS) args = NO_VALUES;
      else if (field.argumentKind === VARIABLE_ARGUMENTS) {
        const values = argumentValues(field.argumentSteps!, this.variables);
        // Execution reports an argument that does not coerce.
        if (!values) continue;
        args = values;
      } else if (field.argumentKind === LITERAL_ARGUMENTS) args = field.literalValues!;
      else if (field.argumentKind === INVALID_ARGUMENTS) continue;
      else {
        try {
          args = getArgumentValues(definition, field.node, this.variables);
        } catch {
          // Execution reports an argument that does not coerce.
          continue;
        }
      }
      this.path.push(field.responseKey);
      for (const input of field.inputs) this.checkInput(args[input.name], input.shape, input.name, input.name);
      if (field.relayArguments || field.listsConversations) this.checkArguments(field, args);

      let children = multiplicity;
      /** A connection's page size: its `edges` are that many per connection. */
      let childPage = 1;
      switch (field.estimate) {
        case ESTIMATE_CONVERSATIONS: {
          const count = (args.first as number | null | undefined) ?? (args.last as number | null | undefined) ?? DEFAULT_PAGE_SIZE;
          const backwardFromEnd = args.last !== undefined && args.last !== null && (args.before === undefined || args.before === null);
          const providers = (args.providers as Provider[] | null | undefined) ?? limits.configuredProviders;
          const listPage = { count: Math.max(0, count), backwardFromEnd };
          this.calls +=
            multiplicity *
            providers.reduce((sum, provider) => {
              const vendor = limits.vendors.find((candidate) => candidate.provider === provider);
              return vendor ? sum + listCallsOf(vendor, listPage, limits.vendorConfigs[provider]) : sum;
            }, 0);
          childPage = Math.max(0, count);
          break;
        }
        case ESTIMATE_NODES: {
          const ids = (args.ids as unknown[] | undefined) ?? [];
          this.calls += multiplicity * ids.length;
          children = multiplicity * ids.length;
          break;
        }
        case ESTIMATE_NODE:
        case ESTIMATE_ENTITIES: {
          const count = field.estimate === ESTIMATE_NODE ? 1 : ((args.representations as unknown[] | undefined) ?? []).length;
          this.calls += multiplicity * count;
          children = multiplicity * count;
          break;
        }
        case ESTIMATE_MESSAGES: {
          const count = (args.first as number | null | undefined) ?? (args.last as number | null | undefined) ?? DEFAULT_PAGE_SIZE;
          // Vendors that list messages per conversation: one request per conversation (pages of 100).
          this.calls += multiplicity * Math.max(1, Math.ceil(Math.max(0, count) / 100));
          childPage = Math.max(0, count);
          break;
        }
        case ESTIMATE_MEMBERS:
          // A vendor's members endpoint when its list has none inline: one per conversation; others batch or inline.
          this.calls += multiplicity;
          children = multiplicity * 10;
          break;
        case ESTIMATE_CREATOR:
          // A vendor's directory of people, batched per request (a few chunked calls at most).
          this.calls += Math.min(multiplicity, 2);
          break;
        case ESTIMATE_TOTAL_COUNT:
          // Each configured vendor that can count counts once.
          if (this.countingCalls < 0) {
            this.countingCalls = limits.configuredProviders.filter((provider) => limits.vendors.find((vendor) => vendor.provider === provider)?.capabilities.totalCount).length;
          }
          this.calls += multiplicity * this.countingCalls;
          break;
        case ESTIMATE_EDGES:
          children = multiplicity * page;
          break;
        case ESTIMATE_LIST:
          children = multiplicity * 10;
          break;
      }
      if (field.node.selectionSet) this.visit(this.plan.childrenOf(field), Math.max(children, 0), childPage, level, introspection);
      this.path.pop();
    }
  }
}

function refuse(message: string, extensions: Record<string, unknown>, path?: readonly (string | number)[]): GraphQLError {
  return new GraphQLError(message, { extensions, ...(path ? { path } : {}) });
}

export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  limits: OperationLimits,
): { errors: GraphQLError[]; estimate: OperationEstimate } {
  const plan = planOf(schema, document, operationName);
  // Execution reports a missing or ambiguous operation, and an operation type the schema lacks, with its own error.
  if (!plan) return { errors: [], estimate: { cost: 0, upstreamCalls: 0, depth: 0 } };
  const definitions = plan.operation.variableDefinitions;
  let variables: Record<string, unknown> = {};
  if (definitions && definitions.length > 0) {
    const coerced = getVariableValues(schema, definitions, rawVariables ?? {}, { maxErrors: 50 });
    // Variables that do not coerce: execution answers them (BAD_USER_INPUT) without running a resolver.
    if (coerced.errors) return { errors: [], estimate: { cost: 0, upstreamCalls: 0, depth: 0 } };
    variables = coerced.coerced;
  }

  const walk = new Evaluation(plan, variables, limits);
  walk.visit(plan.top, 1, 1, 0, false);

  const estimate: OperationEstimate = { cost: walk.cost, upstreamCalls: walk.calls, depth: walk.depth };
  const complexity: GraphQLError[] = [];
  if (walk.depth > limits.maxDepth) {
    complexity.push(refuse(`The operation is ${walk.depth} fields deep; at most ${limits.maxDepth} are accepted.`, { code: QUERY_LIMIT_CODE, limit: 'depth', maximum: limits.maxDepth }));
  }
  if (walk.introspectionDepth > limits.maxIntrospectionDepth) {
    complexity.push(
      refuse(`The introspection is ${walk.introspectionDepth} fields deep; at most ${limits.maxIntrospectionDepth} are accepted.`, {
        code: QUERY_LIMIT_CODE,
        limit: 'introspectionDepth',
        maximum: limits.maxIntrospectionDepth,
      }),
    );
  }
  if (walk.calls > limits.maxEstimatedUpstreamCalls) {
    complexity.push(
      refuse(`The operation could make about ${walk.calls} upstream calls; at most ${limits.maxEstimatedUpstreamCalls} are accepted. Ask for smaller pages or fewer aliases.`, {
        code: QUERY_LIMIT_CODE,
        limit: 'upstreamCalls',
        estimate: walk.calls,
        maximum: limits.maxEstimatedUpstreamCalls,
      }),
    );
  }
  if (walk.cost > limits.maxEstimatedCost) {
    complexity.push(
      refuse(`The operation could resolve about ${walk.cost} fields; at most ${limits.maxEstimatedCost} are accepted.`, {
        code: QUERY_LIMIT_CODE,
        limit: 'cost',
        estimate: walk.cost,
        maximum: limits.maxEstimatedCost,
      }),
    );
  }
  return { errors: [...walk.errors, ...complexity], estimate };
}
