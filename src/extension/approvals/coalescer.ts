/**
 * Collects events for `windowMs` after the first one and hands them over in one batch, so a burst (a
 * proposal per finding, a restart resuming ten requests) becomes one notification, not a storm.
 */
export class Coalescer<T> {
  private batch: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly flush: (items: T[]) => void,
    private readonly timers: { set: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>; clear: (t: ReturnType<typeof setTimeout>) => void } = { set: setTimeout, clear: clearTimeout },
  ) {}

  push(item: T): void {
    this.batch.push(item);
    this.timer ??= this.timers.set(() => this.fire(), this.windowMs);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.batch = [];
  }

  private fire(): void {
    this.timer = undefined;
    const items = this.batch;
    this.batch = [];
    if (items.length > 0) this.flush(items);
  }
}
