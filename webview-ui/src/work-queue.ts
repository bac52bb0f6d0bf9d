/**
 * Rendering that can wait: the first rows of each diff are built at once (the diff is visible in the
 * first frame), the rest in slices of a few milliseconds after that frame, so a long diff never holds
 * the first paint or the keyboard. `reset` drops pending work when the view is drawn again.
 */
export class WorkQueue {
  private tasks: (() => void)[] = [];
  private running = false;
  private started = false;

  constructor(private readonly sliceMs = 12) {}

  push(task: () => void): void {
    this.tasks.push(task);
    if (this.started) this.schedule();
  }

  reset(): void {
    this.tasks = [];
  }

  /** Begin (after the first paint); later pushes run on their own. */
  start(): void {
    this.started = true;
    this.schedule();
  }

  get pending(): number {
    return this.tasks.length;
  }

  private schedule(): void {
    if (this.running || this.tasks.length === 0) return;
    this.running = true;
    setTimeout(() => this.pump(), 0);
  }

  private pump(): void {
    const until = performance.now() + this.sliceMs;
    let task: (() => void) | undefined;
    while (performance.now() < until && (task = this.tasks.shift()) !== undefined) task();
    this.running = false;
    this.schedule();
  }
}
