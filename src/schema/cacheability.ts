/**
 * Requests whose result must not be served again from the response cache although it has no error: a `node`,
 * `nodes` or `_entities` look-up that found nothing (the id may exist a moment later, and an unknown id must not
 * occupy the cache). Keyed by the request's context; src/http/response-cache.ts reads it.
 */
const uncacheable = new WeakSet<object>();

export function markUncacheable(context: object): void {
  uncacheable.add(context);
}

export function isUncacheable(context: object): boolean {
  return uncacheable.has(context);
}
