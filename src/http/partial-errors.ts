import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GraphContext } from '../context.js';

/** Appends the errors of providers that failed while others answered. */
export function usePartialErrors(): Plugin<GraphContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ args, result, setResult }) {
          const { partialErrors: partial, warnings } = args.contextValue as GraphContext;
          if ((partial.length === 0 && warnings.length === 0) || Symbol.asyncIterator in (result as object)) return;
          const single = result as ExecutionResult;
          setResult({
            ...single,
            ...(partial.length > 0 ? { errors: [...(single.errors ?? []), ...partial] } : {}),
            // Where a page could not keep the walk contract exactly: coded, never silent (docs/live-inbox.md).
            ...(warnings.length > 0 ? { extensions: { ...single.extensions, warnings } } : {}),
          });
        },
      };
    },
  };
}
