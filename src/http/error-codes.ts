import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphContext } from '../context.js';

/** Gives parse, validation and variable errors (query limits included) a stable code, as the rest of the graph's errors have. */
export function useStableErrorCodes(): Plugin<GraphContext> {
  const tag = (error: GraphQLError, code: string): GraphQLError =>
    error.extensions?.code
      ? error
      : new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          originalError: error.originalError,
          extensions: { ...error.extensions, code },
        });
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(tag(result, 'GRAPHQL_PARSE_FAILED'));
      };
    },
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((error) => tag(error, 'GRAPHQL_VALIDATION_FAILED')));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in (result as object)) return;
          const single = result as ExecutionResult;
          // Variable coercion fails before any resolver runs: no path, no data.
          if (single.errors && single.data === undefined) {
            setResult({ ...single, errors: single.errors.map((error) => (error.path ? error : tag(error, 'BAD_USER_INPUT'))) });
          }
        },
      };
    },
  };
}
