import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * The GraphQL-over-HTTP parameters Yoga leaves unchecked, refused as HTTP 400 `BAD_REQUEST` like the ones it does
 * check (`query`, `variables` and `extensions` of the wrong type): an `operationName` that is not a string reached
 * `getOperationAST` and answered HTTP 500 "Unexpected error.", and a request without a document answered 200 to a
 * client that accepts `application/json`. Runs after the persisted-operations plugin, which may supply the document.
 */
export function useStrictRequestParams(): Plugin {
  return {
    onParams({ params }) {
      const { operationName, query } = params as { operationName?: unknown; query?: unknown };
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
        throw badRequest(`Expected "operationName" param to be empty or a string, but given ${kindOf(operationName)}.`);
      }
      if (query === undefined || query === null) throw badRequest('Must provide query string.');
    },
  };
}

function badRequest(message: string) {
  // No `spec: true`: a 400 whatever the client accepts, as for the parameters Yoga checks itself.
  return createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}
