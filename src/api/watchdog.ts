/** One wait being watched: `expire` runs once if `done` was not called by `deadline` (on the watchdog's clock). */
export interface Watch {
  deadline: number;
  expire: () => void;
  done(): void;
}

/**
 * Deadlines for many short waits with one timer: a set swept every `periodMs`, instead of a timer armed
 * and cleared per wait (the HTTP API waits twice a request, for its handler and for its audit entry;
 * two timers a request cost more than the sweep). A deadline fires up to `periodMs` late. The timer runs
 * only while something is watched and never keeps the process alive.
 */
export class Watchdog {
  private readonly watched = new Set<Watch>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Watches a wait of `ms` from now; call `done()` when it ends (idempotent). */
  watch(ms: number, expire: () => void): Watch {
    const set = this.watched;
    const w: Watch = {
      deadline: this.now() + ms,
      expire,
      done: () => void set.delete(w),
    };
    set.add(w);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.periodMs);
      this.timer.unref?.();
    }
    return w;
  }

  /** How many waits are watched (tests). */
  get size(): number {
    return this.watched.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const w of this.watched) {
      if (w.deadline > t) continue;
      this.watched.delete(w);
      try {
        w.expire();
      } catch {
        // One failing callback must not keep the others from firing.
      }
    }
    if (this.watched.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
