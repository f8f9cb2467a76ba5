import type { Provider } from '../domain.js';
import { ErrorCode, UpstreamError } from '../errors.js';

/**
 * Coalescing of identical upstream calls across concurrent GraphQL requests:
 * while a GET is in flight, the same GET (same vendor client, so the same
 * credential, and the same URL and schema) joins it instead of going out
 * again, as gateways do for subgraph requests.
 *
 * - Every waiter gets its own copy of the validated body: the first caller
 *   the original, each joiner a clone of a copy taken as the call settled.
 * - A joiner costs its request no upstream call budget and passes no gate:
 *   it sends nothing.
 * - A joiner never waits past its own request's deadline; it then fails with
 *   the deadline error it would have got alone.
 * - The call runs under the first caller's deadline and budget. When it fails
 *   for a reason of that request alone (its deadline, its budget), a joiner
 *   with time left calls on its own, charged to its own budget.
 * - Any other failure is the vendor's answer, shared by every waiter.
 */

let coalescedTotal = 0;

/** Upstream calls saved by coalescing in this process, since it started (for metrics). */
export function coalescedUpstreamCalls(): number {
  return coalescedTotal;
}

interface Settled<T> {
  data: T;
  /** Taken before any waiter sees `data`, only when someone joined: what joiners clone. */
  pristine: T | null;
}

interface Flight {
  schema: unknown;
  joiners: number;
  result: Promise<Settled<unknown>>;
}

export interface JoinContext {
  provider: Provider;
  /** Epoch ms; Infinity outside a request scope. */
  deadlineAt: number;
  /** The error to fail with when the joiner's own deadline passes first. */
  deadlineError: () => UpstreamError;
  /** Called once per joined call. */
  onJoin: () => void;
  /** A call of this request alone, for when the shared one failed for the first caller's own reasons. */
  callAlone: () => Promise<unknown>;
}

export class InFlightCalls {
  private readonly flights = new Map<string, Flight>();
  /** Calls that joined another instead of going upstream. */
  joined = 0;

  /** Runs `call` unless an identical one (`key`, `schema`) is in flight, in which case it joins that. */
  async run<T>(key: string, schema: unknown, call: () => Promise<T>, join: JoinContext): Promise<T> {
    const flight = this.flights.get(key);
    if (flight && flight.schema === schema) return (await this.join(flight, join)) as T;
    const started: Flight = { schema, joiners: 0, result: Promise.resolve(null as unknown as Settled<unknown>) };
    started.result = call().then(
      (data) => {
        this.flights.delete(key);
        return { data, pristine: started.joiners > 0 ? structuredClone(data) : null };
      },
      (error: unknown) => {
        this.flights.delete(key);
        throw error;
      },
    );
    this.flights.set(key, started);
    return ((await started.result) as Settled<T>).data;
  }

  private async join(flight: Flight, context: JoinContext): Promise<unknown> {
    flight.joiners += 1;
    this.joined += 1;
    coalescedTotal += 1;
    context.onJoin();
    let timer: NodeJS.Timeout | undefined;
    const ownDeadline = new Promise<'deadline'>((resolve) => {
      if (context.deadlineAt !== Number.POSITIVE_INFINITY) {
        timer = setTimeout(() => resolve('deadline'), Math.max(0, context.deadlineAt - Date.now()));
      }
    });
    try {
      const settled = await Promise.race([flight.result, ownDeadline]);
      if (settled === 'deadline') throw context.deadlineError();
      return structuredClone(settled.pristine);
    } catch (error) {
      const ownDeadlinePassed = Date.now() >= context.deadlineAt;
      if (!ownDeadlinePassed && isFirstCallersOwn(error)) return context.callAlone();
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

function isFirstCallersOwn(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  return error.facts.code === ErrorCode.UPSTREAM_BUDGET_EXCEEDED || error.facts.deadline === true;
}
