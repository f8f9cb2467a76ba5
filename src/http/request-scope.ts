import type { Plugin } from 'graphql-yoga';
import type { GraphContext } from '../context.js';
import { markArrival, runInRequestScope } from '../request-scope.js';

/** Runs execution inside the request's scope, so every upstream call sees its deadline, budget and id. */
export function useRequestScope(): Plugin<GraphContext> {
  return {
    onRequest({ request }) {
      markArrival(request);
    },
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => runInRequestScope((args.contextValue as GraphContext).scope, () => executeFn(args)));
    },
  };
}
