import { BulkheadPolicy, CircuitBreakerPolicy, CircuitState, ConsecutiveBreaker, ExponentialBackoff, RetryPolicy, TimeoutStrategy, bulkhead, circuitBreaker, handleWhen, retry, timeout, type TimeoutPolicy } from 'cockatiel';
import { isBreakerFailure, isRetryableFailure } from './error-mapping';
import type { ManagedServerOptions } from './managed-server-options';

export type ResolvedOptions = Omit<Required<ManagedServerOptions>, 'env' | 'cwd' | 'log' | 'transportFactory'> &
  Pick<ManagedServerOptions, 'env' | 'cwd' | 'log' | 'transportFactory'>;

/** Defaults for a coordinator in an editor: patient with a slow tool, quick to notice a dead process. */
export function resolveOptions(o: ManagedServerOptions): ResolvedOptions {
  const callTimeoutMs = o.callTimeoutMs ?? 60_000;
  const r: ResolvedOptions = {
    ...o,
    inheritEnv: o.inheritEnv ?? false,
    callTimeoutMs,
    retry: o.retry ?? { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 5_000 },
    breaker: o.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
    restart: o.restart ?? { initialDelayMs: 500, maxDelayMs: 30_000 },
    maxQueue: o.maxQueue ?? 64,
    maxConcurrent: o.maxConcurrent ?? 8,
    pingIntervalMs: o.pingIntervalMs ?? 30_000,
    pingTimeoutMs: o.pingTimeoutMs ?? Math.min(10_000, callTimeoutMs),
    pingFailuresBeforeKill: o.pingFailuresBeforeKill ?? 3,
    connectTimeoutMs: o.connectTimeoutMs ?? 30_000,
    killGraceMs: o.killGraceMs ?? 2_000,
  };
  const positive: [string, number][] = [
    ['callTimeoutMs', r.callTimeoutMs],
    ['retry.maxAttempts', r.retry.maxAttempts],
    ['breaker.consecutiveFailures', r.breaker.consecutiveFailures],
    ['maxConcurrent', r.maxConcurrent],
    ['pingTimeoutMs', r.pingTimeoutMs],
    ['pingFailuresBeforeKill', r.pingFailuresBeforeKill],
    ['connectTimeoutMs', r.connectTimeoutMs],
  ];
  for (const [k, v] of positive) if (!Number.isFinite(v) || v < 1) throw new RangeError(`ManagedServer ${o.name}: ${k} must be at least 1 (got ${v}).`);
  const nonNegative: [string, number][] = [
    ['retry.initialDelayMs', r.retry.initialDelayMs],
    ['retry.maxDelayMs', r.retry.maxDelayMs],
    ['breaker.halfOpenAfterMs', r.breaker.halfOpenAfterMs],
    ['restart.initialDelayMs', r.restart.initialDelayMs],
    ['restart.maxDelayMs', r.restart.maxDelayMs],
    ['maxQueue', r.maxQueue],
    ['pingIntervalMs', r.pingIntervalMs],
    ['killGraceMs', r.killGraceMs],
  ];
  for (const [k, v] of nonNegative) if (!Number.isFinite(v) || v < 0) throw new RangeError(`ManagedServer ${o.name}: ${k} must not be negative (got ${v}).`);
  return r;
}

export interface Policies {
  bulkhead: BulkheadPolicy;
  retry: RetryPolicy;
  breaker: CircuitBreakerPolicy;
  /** A fresh per-attempt timeout (a call may have its own duration); cooperative, its signal cancels the request. */
  attemptTimeout(ms: number): TimeoutPolicy;
  /** As health shows it: 'half-open' as soon as the open period is over (cockatiel moves on the next call). */
  breakerState(): 'closed' | 'open' | 'half-open';
  /** How long until an open breaker lets a trial call through (0 when not open). */
  retryAfterMs(): number;
  inFlight(): number;
  queued(): number;
  dispose(): void;
}

/** The cockatiel policies of one server; `changed` is called on every breaker transition (for health events). */
export function createPolicies(o: ResolvedOptions, changed: () => void): Policies {
  const bh = bulkhead(o.maxConcurrent, o.maxQueue);
  const re = retry(handleWhen(isRetryableFailure), {
    // cockatiel counts retries; our option counts attempts.
    maxAttempts: o.retry.maxAttempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: o.retry.initialDelayMs, maxDelay: o.retry.maxDelayMs }),
  });
  const br = circuitBreaker(handleWhen(isBreakerFailure), {
    halfOpenAfter: o.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breaker.consecutiveFailures),
  });
  let openedAt = 0;
  let halfOpenTimer: NodeJS.Timeout | undefined;
  // Subscriptions live as long as the policies (this object).
  br.onBreak(() => {
    openedAt = Date.now();
    if (halfOpenTimer !== undefined) clearTimeout(halfOpenTimer);
    // Health shows the move to half-open when it happens, not only at the next call.
    halfOpenTimer = setTimeout(changed, o.breaker.halfOpenAfterMs + 1).unref();
  });
  br.onStateChange(() => changed());
  const remaining = () => Math.max(0, openedAt + o.breaker.halfOpenAfterMs - Date.now());
  return {
    bulkhead: bh,
    retry: re,
    breaker: br,
    attemptTimeout: (ms) => timeout(ms, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: true }),
    breakerState: () => {
      switch (br.state) {
        case CircuitState.Closed:
          return 'closed';
        case CircuitState.HalfOpen:
          return 'half-open';
        case CircuitState.Open:
          return remaining() > 0 ? 'open' : 'half-open';
        default:
          return 'open';
      }
    },
    retryAfterMs: () => (br.state === CircuitState.Open ? remaining() : 0),
    inFlight: () => o.maxConcurrent - bh.executionSlots,
    queued: () => o.maxQueue - bh.queueSlots,
    dispose: () => {
      if (halfOpenTimer !== undefined) clearTimeout(halfOpenTimer);
      halfOpenTimer = undefined;
    },
  };
}
