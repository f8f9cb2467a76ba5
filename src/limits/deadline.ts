import type { RequestScope } from '../request-scope.js';

/**
 * The request's scope with an earlier deadline for the list of conversations: a vendor that hangs on its list
 * would otherwise spend the whole deadline, and every nested field (messages, people) of the vendors that did
 * answer would then fail at once for want of time. The budget of calls stays shared.
 */
export function listPhaseScope(scope: RequestScope, sharePct: number): RequestScope {
  const listDeadlineAt = Math.min(scope.deadlineAt, scope.startedAt + Math.round(((scope.deadlineAt - scope.startedAt) * sharePct) / 100));
  return {
    requestId: scope.requestId,
    startedAt: scope.startedAt,
    deadlineAt: listDeadlineAt,
    upstreamCallLimit: scope.upstreamCallLimit,
    upstreamCalls: scope.upstreamCalls,
    takeUpstreamCall: (provider) => scope.takeUpstreamCall(provider),
    remainingMs: () => Math.max(0, listDeadlineAt - Date.now()),
  };
}
