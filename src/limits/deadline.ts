import type { RequestScope } from '../request-scope.js';

/**
 * When the list of conversations must be done: the first `sharePct` percent of the request's deadline. A vendor
 * that hangs on its list would otherwise spend the whole deadline, and every nested field (messages, people) of
 * the vendors that did answer would then fail at once for want of time.
 */
export function listPhaseDeadline(scope: RequestScope, sharePct: number): number {
  return Math.min(scope.deadlineAt, scope.startedAt + Math.round(((scope.deadlineAt - scope.startedAt) * sharePct) / 100));
}
