/**
 * Scheduled faults. A rule matches on HTTP method (optional) and a RegExp tested against the
 * normalised request path (no query string), lets `skip` matches through, then fires on the
 * next `times` matches. First matching active rule wins; rules fire in the order added.
 */
export type Fault =
  /**
   * 429 TooManyRequests with `Retry-After: <seconds>` (ARM's throttling answer). Default 1 s;
   * `null`: no Retry-After header at all (some ARM front doors answer so).
   */
  | { type: "throttle"; retryAfterSeconds?: number | null }
  /** 5xx with the ARM error shape; `retryAfterSeconds` adds a Retry-After header. */
  | { type: "error"; status: 500 | 502 | 503 | 504; code?: string; retryAfterSeconds?: number }
  /**
   * Destroy the socket without answering, after the full request body was read.
   * `before-apply`: the handler never ran (no state change).
   * `after-apply`: the handler ran and its state change stuck ("the write happened but the
   * client never heard").
   */
  | { type: "drop"; phase: "before-apply" | "after-apply" }
  /** Hold the request this long, then handle it normally. */
  | { type: "delay"; ms: number };

export type FaultType = Fault["type"];

export interface FaultRule {
  /** e.g. "PUT"; case-insensitive; any method when omitted. */
  method?: string;
  /** Tested against the path, e.g. /\/federatedIdentityCredentials\/[^/]+$/. */
  path: RegExp;
  fault: Fault;
  /** How many matching requests get the fault. Default 1. `Infinity` for all. */
  times?: number;
  /** Let this many matching requests through untouched first. Default 0. */
  skip?: number;
}

export interface FaultHandle {
  readonly rule: Readonly<FaultRule>;
  /** Requests this rule faulted so far. */
  readonly fired: number;
  /** Faults still to fire. */
  readonly remaining: number;
  cancel(): void;
}

interface ActiveRule {
  rule: FaultRule;
  skipLeft: number;
  remaining: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, skipLeft: rule.skip ?? 0, remaining: rule.times ?? 1, fired: 0 };
    this.rules.push(active);
    return {
      rule,
      get fired() {
        return active.fired;
      },
      get remaining() {
        return active.remaining;
      },
      cancel: () => {
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
  }

  /** Shorthand: the next `times` requests matching method+path answer 429 with Retry-After (`null`: without). */
  throttle(method: string | undefined, path: RegExp, times = 1, retryAfterSeconds: number | null = 1): FaultHandle {
    return this.add({ method, path, times, fault: { type: "throttle", retryAfterSeconds } });
  }

  clear(): void {
    this.rules = [];
  }

  /** Rules that can still fire. */
  pending(): FaultRule[] {
    return this.rules.filter((r) => r.remaining > 0).map((r) => r.rule);
  }

  /** @internal called by the server for each request; consumes a firing. */
  take(method: string, path: string): Fault | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0) continue;
      if (active.rule.method && active.rule.method.toUpperCase() !== method.toUpperCase()) continue;
      active.rule.path.lastIndex = 0;
      if (!active.rule.path.test(path)) continue;
      if (active.skipLeft > 0) {
        active.skipLeft--;
        continue;
      }
      active.remaining--;
      active.fired++;
      return active.rule.fault;
    }
    return undefined;
  }
}
