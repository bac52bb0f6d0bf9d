/** One wait being watched: `expire` runs once if `done` was not called by `deadline` (on the watchdog's clock). */
export interface Watch {
  readonly deadline: number;
  /** Ends the wait; true when this ended it, false when its deadline had already fired (or it was ended before). */
  done(): boolean;
}

/**
 * Deadlines for many short waits with one timer: a table swept every `periodMs`, instead of a timer armed
 * and cleared per wait (the HTTP API waits twice a request, for its handler and for its audit entry;
 * two timers a request cost more than the sweep). A deadline fires up to `periodMs` late. The timer runs
 * only while something is watched and never keeps the process alive.
 *
 * The table is an array of slots reused through a free list, not a Set: a Set that takes and drops an
 * entry per wait keeps reallocating its hash table, and each table it leaves behind in the old
 * generation holds the waits it had (and through their callbacks, whole requests) until a full GC. At
 * API request rates that promoted ~0.85 KB a request to the old generation (with the server's other
 * per-request Sets; measured with V8's --trace-gc-nvp).
 */
export class Watchdog {
  private readonly slots: (Watched | undefined)[] = [];
  /** Indexes of empty slots (numbers only: no pointers for the GC to follow). */
  private readonly free: number[] = [];
  private count = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Watches a wait of `ms` from now; call `done()` when it ends (idempotent). */
  watch(ms: number, expire: () => void): Watch {
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.slots.length;
    const w = new Watched(this, slot, this.now() + ms, expire);
    this.slots[slot] = w;
    this.count++;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.periodMs);
      this.timer.unref?.();
    }
    return w;
  }

  /** How many waits are watched (tests). */
  get size(): number {
    return this.count;
  }

  /** Empties `w`'s slot if it still holds `w`; true when it did. */
  release(w: Watched): boolean {
    if (this.slots[w.slot] !== w) return false;
    this.slots[w.slot] = undefined;
    this.free.push(w.slot);
    this.count--;
    return true;
  }

  private sweep(): void {
    const t = this.now();
    for (let i = 0; i < this.slots.length; i++) {
      const w = this.slots[i];
      if (w === undefined || w.deadline > t) continue;
      this.release(w);
      try {
        w.expire();
      } catch {
        // One failing callback must not keep the others from firing.
      }
    }
    if (this.count === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      // Nothing watched: start again from a short table (a burst does not keep its size for ever).
      this.slots.length = 0;
      this.free.length = 0;
    }
  }
}

class Watched implements Watch {
  constructor(
    private readonly dog: Watchdog,
    readonly slot: number,
    readonly deadline: number,
    readonly expire: () => void,
  ) {}

  done(): boolean {
    return this.dog.release(this);
  }
}
