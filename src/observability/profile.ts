import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ExecutionResult } from 'graphql';
import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import type { OperationsConfig } from './settings.js';

/**
 * Headers that mark a GET as sent by a script rather than a link or a form: Yoga's own, Apollo Client's
 * (`apollo-require-preflight`, `x-apollo-operation-name`) and the GraphQL-over-HTTP draft's. A POST with
 * `content-type: application/json` (GraphiQL, Relay, Apollo, urql, gateways) is never simple and needs none.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-require-preflight'];

/** The parts of Yoga's options that the production profile decides. */
export function profileOptions(
  operations: OperationsConfig,
): Pick<YogaServerOptions<Record<string, unknown>, Record<string, unknown>>, 'cors'> & { graphiql: boolean; plugins: Plugin[] } {
  const plugins: Plugin[] = [];
  if (!operations.introspection) plugins.push(useNoIntrospection());
  if (operations.csrfPrevention) plugins.push(useCodedCsrfPrevention());
  if (operations.hideVendorUrls) plugins.push(useNoVendorUrls());
  return { graphiql: operations.graphiql, cors: corsOptions(operations.corsOrigins), plugins };
}

function corsOptions(origins: string[] | 'any'): YogaServerOptions<Record<string, unknown>, Record<string, unknown>>['cors'] {
  if (origins === 'any') return { exposedHeaders: ['x-request-id'] };
  const allowed = new Set(origins);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    // No CORS headers at all for other origins: the browser refuses to hand them the answer.
    if (origin === null || !allowed.has(origin)) return false;
    return { origin: [origin], credentials: false, exposedHeaders: ['x-request-id'], maxAge: 600 };
  };
}

/** `__schema` and `__type` are refused at validation (`__typename`, which clients need, stays). */
function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/** Yoga's CSRF prevention, with the graph's stable error code on its refusal. */
function useCodedCsrfPrevention(): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: CSRF_HEADERS });
  return {
    async onRequestParse(payload) {
      try {
        await csrf.onRequestParse?.(payload);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        throw new GraphQLError(
          `A GET or form request needs one of these headers (or a JSON body): ${CSRF_HEADERS.join(', ')}`,
          { extensions: { ...error.extensions, code: 'CSRF_PREVENTED' } },
        );
      }
    },
  };
}

/** Vendor failures keep provider, status and code; the vendor URL stays in the server's own logs. */
function useNoVendorUrls(): Plugin {
  const strip = (result: ExecutionResult): ExecutionResult => {
    if (!result.errors?.some((error) => error.extensions?.url !== undefined)) return result;
    return {
      ...result,
      errors: result.errors.map((error) => {
        if (error.extensions?.url === undefined) return error;
        const { url: _url, ...extensions } = error.extensions;
        return new GraphQLError(error.message, {
          nodes: error.nodes,
          source: error.source,
          positions: error.positions,
          path: error.path,
          originalError: error.originalError,
          extensions,
        });
      }),
    };
  };
  return {
    onExecutionResult({ result, setResult }) {
      if (result && !(Symbol.asyncIterator in result)) setResult(strip(result));
    },
  };
}
