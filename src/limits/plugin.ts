import { GraphQLError, type ValidationRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { configuredProviders, type AppConfig } from '../config.js';
import type { GraphContext } from '../context.js';
import { checkOperation, type OperationLimits } from './operation-check.js';

/** Mutations do not exist here: say so in validation, with a code, instead of at execution without one. */
const OnlyQueries: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(
        new GraphQLError(`This graph has no ${node.operation}s; it answers queries and subscriptions only.`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
      );
    }
  },
});

/**
 * Refuses, before the first resolver (so before any upstream call), what the limits do not allow; answers request
 * parameters that are not JSON (`variables=`/`extensions=` in a GET) with a coded 400 instead of a 500.
 */
export function useOperationLimits(config: AppConfig): Plugin<GraphContext> {
  const limits: OperationLimits = {
    ...config.limits,
    maxPageSize: config.maxPageSize,
    configuredProviders: configuredProviders(config),
    vendors: config.vendors,
    vendorConfigs: config.vendorConfigs,
  };
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser(async (request) => {
        try {
          return await parse(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          throw createGraphQLError('A request parameter (`variables` or `extensions`) is not valid JSON.', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(OnlyQueries);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const { errors } = checkOperation(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown>, limits);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    // A subscription is held to the same limits; its estimate is what one event may cost.
    onSubscribe({ args, setResultAndStopExecution }) {
      const { errors } = checkOperation(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown>, limits);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
