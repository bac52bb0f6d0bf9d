import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream (a child's stderr) into printable lines for a log: invalid UTF-8 becomes
 * U+FFFD, control characters other than tab become U+FFFD (no terminal escapes reach the log), and a
 * line longer than `maxLine` characters is cut into pieces, so garbage never grows a buffer without
 * bound nor breaks the logger.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLine = 4096,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl === -1) break;
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      for (let i = 0; i < line.length || i === 0; i += this.maxLine) this.out(line.slice(i, i + this.maxLine));
    }
    while (this.pending.length > this.maxLine) {
      this.out(this.pending.slice(0, this.maxLine));
      this.pending = this.pending.slice(this.maxLine);
    }
  }

  /** Emits what is left (the stream ended without a final newline). */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.out(this.pending);
    this.pending = '';
  }

  private out(raw: string): void {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\r$/, '').replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '\uFFFD');
    if (line.trim() === '') return;
    try {
      this.emit(line);
    } catch {
      // A logger that throws must not take the connection down.
    }
  }
}
