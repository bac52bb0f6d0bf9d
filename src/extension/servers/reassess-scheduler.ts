/** Timers as the scheduler uses them, so tests drive a fake clock. */
export interface SchedulerTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: SchedulerTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * When to re-assess: `request()` debounces bursts (a save that touches three config files, a settings
 * change per keystroke) into one run `delayMs` after the last one; `now()` runs at once. Runs never
 * overlap: whatever asks during a run schedules exactly one more run after it (however many asked),
 * so the last state of the files is always assessed and nothing piles up.
 */
export class ReassessScheduler {
  private timer: unknown;
  private hasTimer = false;
  private running: Promise<void> | undefined;
  private again = false;
  private disposed = false;
  /** Resolved when the next run to start has finished. */
  private waiters: (() => void)[] = [];
  private nextWaiters: (() => void)[] = [];
  /** Resolved when the current run has finished. */
  private current: (() => void)[] = [];

  constructor(
    private readonly run: () => Promise<void>,
    private readonly delayMs = 500,
    private readonly onError: (e: unknown) => void = () => undefined,
    private readonly timers: SchedulerTimers = REAL_TIMERS,
  ) {}

  /** Debounced: a run `delayMs` after the last request (restarting the wait each time). */
  request(delayMs = this.delayMs): void {
    if (this.disposed) return;
    this.cancelTimer();
    this.hasTimer = true;
    this.timer = this.timers.set(() => {
      this.hasTimer = false;
      this.trigger();
    }, delayMs);
  }

  /** A run now (or right after the current one); resolves once a run that started after this call is done. */
  now(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.cancelTimer();
    const done = new Promise<void>((resolve) => (this.running ? this.nextWaiters : this.waiters).push(resolve));
    this.trigger();
    return done;
  }

  /** Whether a run is going on or waiting to start. */
  get busy(): boolean {
    return this.running !== undefined || this.hasTimer;
  }

  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.again = false;
    for (const w of [...this.current.splice(0), ...this.waiters.splice(0), ...this.nextWaiters.splice(0)]) w();
  }

  private trigger(): void {
    if (this.running) this.again = true;
    else this.start();
  }

  private start(): void {
    const waiters = this.waiters;
    this.waiters = [];
    this.current = waiters;
    const run = (async () => {
      try {
        await this.run();
      } catch (e) {
        this.onError(e);
      }
    })();
    this.running = run;
    void run.then(() => {
      this.running = undefined;
      for (const w of waiters.splice(0)) w();
      this.waiters = this.nextWaiters;
      this.nextWaiters = [];
      if (this.again && !this.disposed) {
        this.again = false;
        this.start();
      } else {
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  private cancelTimer(): void {
    if (this.hasTimer) this.timers.clear(this.timer);
    this.hasTimer = false;
  }
}
