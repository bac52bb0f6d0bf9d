/** A minimal typed event: what the UI, the CLI and tests subscribe to. A throwing listener never breaks the others. */
export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (e: unknown) => void = () => undefined) {}

  on(listener: (value: T) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
