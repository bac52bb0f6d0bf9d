import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ProbeReason } from '../core/model/live';
import { killGroup, trackGroup } from '../node/process-group';

export interface StdioProcessOptions {
  command: string;
  args: readonly string[];
  /** The complete environment of the process (nothing is inherited implicitly). */
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** Longest line accepted on stdout; a longer one is `too-large` (default 4 MiB). */
  maxMessageBytes?: number;
  /** How much of the end of stderr is kept (default 8 KiB). */
  stderrTailBytes?: number;
  /** How long the group has after SIGTERM before SIGKILL (default 1000 ms). */
  killGraceMs?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Ways a stdio server can fail that the transport itself sees. */
export type StdioFailure = ProbeReason & { code: 'spawn-failed' | 'exited' | 'protocol-error' | 'too-large' };

/**
 * The SDK's `Transport` over a spawned process, built for servers we do not trust: the process leads
 * its own process group (all of it is killed on close, grandchildren included), stdout must be
 * JSON-RPC and nothing else (a stray line is a protocol error, not a log line to skip), a line has a
 * size cap, and only the tail of stderr is kept. The first failure is recorded in `failure` and
 * reported to `onfailure` before the connection closes, so callers can tell why requests failed.
 */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  onfailure?: (failure: StdioFailure) => void;
  onspawn?: (pid: number) => void;
  failure: StdioFailure | undefined;
  protocolVersion: string | undefined;

  private child: ChildProcess | undefined;
  private readonly buffer: ReadBuffer;
  private readonly maxMessageBytes: number;
  private readonly tailBytes: number;
  private readonly stderrChunks: Buffer[] = [];
  private stderrBytes = 0;
  private closing: Promise<void> | undefined;
  private leaderExited: Promise<void> = Promise.resolve();
  private readonly failureWaiters: ((f: StdioFailure) => void)[] = [];

  constructor(private readonly opts: StdioProcessOptions) {
    this.maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.tailBytes = opts.stderrTailBytes ?? 8 * 1024;
    this.buffer = new ReadBuffer({ maxBufferSize: this.maxMessageBytes });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last `stderrTailBytes` of stderr, as text (not redacted: the caller redacts). */
  stderrTail(): string {
    const all = Buffer.concat(this.stderrChunks);
    const tail = all.length > this.tailBytes ? all.subarray(all.length - this.tailBytes) : all;
    // A cut may fall inside a UTF-8 sequence: drop the replacement characters it leaves at the start.
    return tail.toString('utf8').replace(/^\uFFFD+/, '');
  }

  /**
   * The recorded failure, waiting up to `ms` for it when the process is gone or going (exited, or
   * its stdin broken) but the exit is not reported yet: a request can fail on the broken pipe a
   * moment before the exit is noticed, and "exited with code 4" is the reason, not "Not connected".
   */
  failureSoon(ms: number): Promise<StdioFailure | undefined> {
    const child = this.child;
    const going = child !== undefined && (child.exitCode !== null || child.signalCode !== null || child.stdin?.writable !== true);
    if (this.failure || !going) return Promise.resolve(this.failure);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.failure), ms);
      this.failureWaiters.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('StdioProcessTransport already started'));
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(this.opts.command, [...this.opts.args], {
          cwd: this.opts.cwd,
          env: { ...this.opts.env },
          stdio: ['pipe', 'pipe', 'pipe'],
          // Own process group: killing -pid reaches whatever the server started.
          detached: true,
          windowsHide: true,
        });
      } catch (e) {
        // Synchronous spawn errors: invalid arguments such as a NUL byte in an argument.
        const failure = this.fail('spawn-failed', `cannot start ${this.opts.command}: ${errorText(e)}`);
        reject(new Error(failure.message));
        return;
      }
      this.child = child;
      this.leaderExited = new Promise((r) => child.once('exit', () => r()));
      child.once('spawn', () => {
        if (child.pid !== undefined) {
          trackGroup(child.pid);
          this.onspawn?.(child.pid);
        }
        resolve();
      });
      child.once('error', (e) => {
        // Before 'spawn' this is ENOENT/EACCES; later only kill/pipe errors, which close() covers.
        if (child.pid === undefined) {
          const failure = this.fail('spawn-failed', `cannot start ${this.opts.command}: ${errorText(e)}`);
          reject(new Error(failure.message));
          void this.close();
        }
      });
      child.once('exit', (code, signal) => {
        if (this.closing) return;
        // Give stdout a moment to deliver what was written just before exiting (a last response).
        const report = () => {
          if (this.closing) return;
          const how = signal === null ? `exited with code ${String(code)}` : `was killed by ${signal}`;
          this.fail('exited', `the server process ${how}${lastLine(this.stderrTail())}`);
          void this.close();
        };
        if (child.stdout?.readableEnded === false) {
          const timer = setTimeout(report, 50);
          child.stdout.once('end', () => {
            clearTimeout(timer);
            setImmediate(report);
          });
        } else setImmediate(report);
      });
      child.stdin?.on('error', () => {
        // EPIPE after the server exited: the 'exit' handler reports that.
      });
      child.stdout?.on('data', (chunk: Buffer) => this.onStdout(chunk));
      child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closing || !stdin.writable) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Kills the whole process group (idempotent); `onclose` follows. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const child = this.child;
      if (child) {
        child.stdout?.removeAllListeners('data');
        await killGroup(child, this.leaderExited, this.opts.killGraceMs ?? 1000);
      }
      this.buffer.clear();
      this.onclose?.();
    })();
    return this.closing;
  }

  private fail(code: StdioFailure['code'], message: string): StdioFailure {
    if (this.failure) return this.failure;
    const failure: StdioFailure = { code, message };
    this.failure = failure;
    this.onfailure?.(failure);
    for (const w of this.failureWaiters.splice(0)) w(failure);
    return failure;
  }

  private onStdout(chunk: Buffer): void {
    if (this.failure) return;
    try {
      this.buffer.append(chunk);
    } catch {
      this.fail('too-large', `the server wrote a message of more than ${this.maxMessageBytes} bytes on stdout`);
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (e) {
        this.fail('protocol-error', `the server wrote something other than JSON-RPC on stdout (${errorText(e).slice(0, 200)})`);
        void this.close();
        return;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private onStderr(chunk: Buffer): void {
    this.stderrChunks.push(chunk);
    this.stderrBytes += chunk.length;
    // Drop whole chunks that lie entirely before the tail.
    while (this.stderrChunks.length > 1 && this.stderrBytes - (this.stderrChunks[0]?.length ?? 0) >= this.tailBytes) {
      this.stderrBytes -= this.stderrChunks.shift()?.length ?? 0;
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `: <last stderr line>`, the usual place for a crashed server's reason, or nothing. */
function lastLine(tail: string): string {
  const lines = tail.split(/\r?\n/).filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  return last === undefined ? '' : `: ${last.trim().slice(0, 300)}`;
}
