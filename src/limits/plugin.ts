import type { Plugin } from 'graphql-yoga';
import { configuredProviders, type AppConfig } from '../config.js';
import type { GraphContext } from '../context.js';
import { checkOperation, type OperationLimits } from './operation-check.js';

/** Refuses, before the first resolver (so before any upstream call), what the limits do not allow. */
export function useOperationLimits(config: AppConfig): Plugin<GraphContext> {
  const limits: OperationLimits = {
    ...config.limits,
    maxPageSize: config.maxPageSize,
    configuredProviders: configuredProviders(config),
    chatbaseChatbots: config.providers.CHATBASE?.chatbotIds.length ?? 0,
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const { errors } = checkOperation(args.schema, args.document, args.operationName, args.variableValues as Record<string, unknown>, limits);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
