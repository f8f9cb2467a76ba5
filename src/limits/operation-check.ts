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
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
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

interface Walk {
  errors: GraphQLError[];
  cost: number;
  calls: number;
  depth: number;
  introspectionDepth: number;
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
  const empty = { errors: [], estimate: { cost: 0, upstreamCalls: 0, depth: 0 } };
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  // Execution reports a missing or ambiguous operation, and an operation type the schema lacks, with its own error.
  if (!operation) return empty;
  const root = schema.getRootType(operation.operation);
  if (!root) return empty;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 50 });
  // Variables that do not coerce: execution answers them (BAD_USER_INPUT) without running a resolver.
  if (coerced.errors) return empty;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const walk: Walk = { errors: [], cost: 0, calls: 0, depth: 0, introspectionDepth: 0 };

  /** Fields of a selection set, fragments expanded (any name, `__schema` included), with the type they are on. */
  const fieldsOf = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, seen: Set<string>): Array<{ node: FieldNode; parent: GraphQLNamedType }> => {
    const fields: Array<{ node: FieldNode; parent: GraphQLNamedType }> = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.push({ node: selection, parent });
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) ?? parent : parent;
        fields.push(...fieldsOf(selection.selectionSet, on, seen));
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const on = schema.getType(fragment.typeCondition.name.value) ?? parent;
        fields.push(...fieldsOf(fragment.selectionSet, on, new Set([...seen, fragment.name.value])));
      }
    }
    return fields;
  };

  const fieldDefinition = (parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
    return undefined;
  };

  /** Checks the size of one input value against the limits, naming the argument. */
  const checkInput = (value: unknown, type: GraphQLInputType, argument: string, path: readonly (string | number)[], root: string): void => {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const list = value as unknown[];
      const maximum = root === 'ids' ? limits.maxNodeIds : limits.maxListLength;
      if (list.length > maximum) {
        walk.errors.push(
          refuse(`\`${argument}\` holds ${list.length} entries; at most ${maximum} are accepted.`, { code: ErrorCode.BAD_USER_INPUT, argument, maximum }, path),
        );
        return;
      }
      list.forEach((entry) => checkInput(entry, nullable.ofType as GraphQLInputType, argument, path, root));
      return;
    }
    if (isInputObjectType(nullable)) {
      const fields = nullable.getFields();
      for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[name];
        if (field) checkInput(entry, field.type, `${argument}.${name}`, path, root);
      }
      return;
    }
    if (typeof value === 'string') {
      const maximum = CURSOR_ARGUMENTS.has(root) ? MAX_CURSOR_LENGTH : ID_ARGUMENTS.has(root) ? MAX_ID_LENGTH : limits.maxStringLength;
      if (value.length > maximum) {
        walk.errors.push(
          refuse(`\`${argument}\` is ${value.length} characters long; at most ${maximum} are accepted.`, { code: ErrorCode.BAD_USER_INPUT, argument, maximum }, path),
        );
      }
    }
  };

  /** Relay and filter arguments, checked as the resolvers will check them, but before any of them runs. */
  const checkArguments = (field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, path: readonly (string | number)[]): void => {
    const names = new Set(field.args.map((argument) => argument.name));
    try {
      if (names.has('first') && names.has('last')) {
        parsePageRequest(args as Parameters<typeof parsePageRequest>[0], limits.maxPageSize);
      }
      const listsConversations = field.name === 'conversations' || field.name === 'conversationAdded';
      if (names.has('filter') && listsConversations) toDomainFilter(args.filter as ConversationFilterArg | undefined, limits.vendors);
      if (listsConversations && Array.isArray(args.providers) && args.providers.length === 0) {
        throw refuse('`providers` must not be empty; leave it out for all providers.', { code: ErrorCode.BAD_USER_INPUT, argument: 'providers' });
      }
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      walk.errors.push(new GraphQLError(error.message, { extensions: error.extensions, path }));
    }
  };

  const visit = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType,
    /** Parent objects this selection is resolved for, at most. */
    multiplicity: number,
    /** Set on a connection's fields: how many edges the connection holds. */
    page: number,
    depth: number,
    inIntrospection: boolean,
    path: readonly (string | number)[],
  ): void => {
    for (const { node, parent: on } of fieldsOf(selectionSet, parent, new Set())) {
      const name = node.name.value;
      const responseKey = node.alias?.value ?? name;
      const fieldPath = [...path, responseKey];
      const introspection = inIntrospection || ((name === '__schema' || name === '__type') && on === root);
      const level = depth + 1;
      if (introspection) walk.introspectionDepth = Math.max(walk.introspectionDepth, level);
      else walk.depth = Math.max(walk.depth, level);
      walk.cost += multiplicity;
      if (name === '__typename') continue;
      const definition = fieldDefinition(on, name);
      if (!definition && introspection) {
        // Introspection fields are not part of the schema's types: walk their selections for depth only.
        if (node.selectionSet) visit(node.selectionSet, on, multiplicity, 1, level, true, fieldPath);
        continue;
      }
      if (!definition) continue;
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(definition, node, variables);
      } catch {
        // Execution reports an argument that does not coerce.
        continue;
      }
      for (const argument of definition.args) {
        // `_entities` has its own cap (MAX_ENTITY_REPRESENTATIONS) and answers it in its own way.
        if (argument.name === 'representations') continue;
        checkInput(args[argument.name], argument.type, argument.name, fieldPath, argument.name);
      }
      checkArguments(definition, args, fieldPath);

      let children = multiplicity;
      /** A connection's page size: its `edges` are that many per connection. */
      let childPage = 1;
      const typeName = on.name;
      if (typeName === root.name && name === 'conversations') {
        const count = (args.first as number | null | undefined) ?? (args.last as number | null | undefined) ?? DEFAULT_PAGE_SIZE;
        const backwardFromEnd = args.last !== undefined && args.last !== null && (args.before === undefined || args.before === null);
        const providers = (args.providers as Provider[] | null | undefined) ?? limits.configuredProviders;
        const page = { count: Math.max(0, count), backwardFromEnd };
        walk.calls +=
          multiplicity *
          providers.reduce((sum, provider) => {
            const vendor = limits.vendors.find((candidate) => candidate.provider === provider);
            return vendor ? sum + listCallsOf(vendor, page, limits.vendorConfigs[provider]) : sum;
          }, 0);
        childPage = Math.max(0, count);
      } else if (typeName === root.name && name === 'nodes') {
        const ids = (args.ids as unknown[] | undefined) ?? [];
        walk.calls += multiplicity * ids.length;
        children = multiplicity * ids.length;
      } else if (typeName === root.name && (name === 'node' || name === '_entities')) {
        const count = name === 'node' ? 1 : ((args.representations as unknown[] | undefined) ?? []).length;
        walk.calls += multiplicity * count;
        children = multiplicity * count;
      } else if (typeName === 'Conversation' && name === 'messages') {
        const count = (args.first as number | null | undefined) ?? (args.last as number | null | undefined) ?? DEFAULT_PAGE_SIZE;
        // Vendors that list messages per conversation: one request per conversation (pages of 100).
        walk.calls += multiplicity * Math.max(1, Math.ceil(Math.max(0, count) / 100));
        childPage = Math.max(0, count);
      } else if (typeName === 'Conversation' && name === 'members') {
        // A vendor's members endpoint when its list has none inline: one per conversation; others batch or inline.
        walk.calls += multiplicity;
        children = multiplicity * 10;
      } else if (typeName === 'Conversation' && name === 'creator') {
        // A vendor's directory of people, batched per request (a few chunked calls at most).
        walk.calls += Math.min(multiplicity, 2);
      } else if (typeName === 'ConversationConnection' && name === 'totalCount') {
        // Each configured vendor that can count counts once.
        walk.calls +=
          multiplicity * limits.configuredProviders.filter((provider) => limits.vendors.find((vendor) => vendor.provider === provider)?.capabilities.totalCount).length;
      } else if (name === 'edges') {
        children = multiplicity * page;
      } else if (name === 'node') {
        // An edge's node: one per edge.
      } else if (isListType(getNullableType(definition.type))) {
        children = multiplicity * 10;
      }
      if (node.selectionSet) visit(node.selectionSet, getNamedType(definition.type), Math.max(children, 0), childPage, level, introspection, fieldPath);
    }
  };

  visit(operation.selectionSet, root, 1, 1, 0, false, []);

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
