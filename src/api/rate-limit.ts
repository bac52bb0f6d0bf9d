/**
 * Token buckets, one per key (a principal, or a client address): `burst` requests at once, refilled at
 * `perSecond`. Memory is bounded: past `maxKeys`, buckets that have refilled completely are dropped (they
 * are indistinguishable from new ones), then the oldest.
 */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
  maxKeys?: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(private readonly o: RateLimitOptions) {
    if (!(o.burst >= 1) || !(o.perSecond > 0)) throw new RangeError('rate limit: burst must be at least 1 and perSecond above 0');
    this.maxKeys = o.maxKeys ?? 10_000;
  }

  take(key: string, nowMs: number): Take {
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evict(nowMs);
      b = { tokens: this.o.burst, at: nowMs };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.o.burst, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.o.perSecond);
      b.at = nowMs;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.o.perSecond)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(nowMs: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (Math.max(0, nowMs - b.at) / 1000) * this.o.perSecond >= this.o.burst) this.buckets.delete(k);
    }
    // Everyone is mid-burst: drop the oldest tenth rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.ceil(this.maxKeys / 10);
      for (const k of this.buckets.keys()) {
        if (n-- <= 0) break;
        this.buckets.delete(k);
      }
    }
  }
}
