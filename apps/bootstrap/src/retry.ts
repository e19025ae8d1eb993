/**
 * A bounded retry loop: capped in attempts AND in elapsed time, exponential back-off with jitter.
 * Used for conditions the SDK's own retry policy does not cover because they are answered with a
 * 4xx (PrincipalNotFound during Entra replication, a concurrent federated-credential write).
 * Throttling (429, with or without Retry-After), 5xx and dropped connections are retried inside
 * the SDK pipeline (see arm-session.ts), which takes its back-off for a 429 without Retry-After
 * from {@link backoffDelay}.
 */

export interface RetryPolicy {
  /** Attempts in total, the first included (>= 1). */
  maxAttempts: number;
  /** No new attempt starts after this many ms since the first one; a wait never ends past it. */
  maxElapsedMs: number;
  /** Wait before the 2nd attempt; doubles each time. */
  baseDelayMs: number;
  /** Cap of one wait. */
  maxDelayMs: number;
}

export interface RetryHooks {
  /** Aborts a pending wait; the loop then throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called before each wait. */
  onRetry?: ((error: unknown, attempt: number, delayMs: number) => void) | undefined;
}

/**
 * Wait before attempt `attempt + 1` (attempt is 1-based): base·2^(attempt-1) with ±25 % jitter,
 * never above the cap.
 */
export function backoffDelay(policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs">, attempt: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jitter = exponential * 0.25 * (Math.random() * 2 - 1);
  return Math.min(policy.maxDelayMs, Math.max(0, Math.round(exponential + jitter)));
}

/**
 * Runs `operation` until it succeeds, `shouldRetry(error)` is false, the attempts are used up or
 * the time budget would be exceeded; then rethrows the last error.
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!shouldRetry(error) || attempt >= policy.maxAttempts) throw error;
      const remaining = policy.maxElapsedMs - (Date.now() - started);
      const delay = backoffDelay(policy, attempt);
      if (delay > remaining) throw error;
      hooks.onRetry?.(error, attempt, delay);
      await sleep(delay, hooks.signal);
    }
  }
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
