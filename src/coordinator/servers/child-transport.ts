import { spawn, type ChildProcess } from 'node:child_process';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineSplitter } from './line-splitter';
import { killGroup, signalGroup, trackGroup } from '../../node/process-group';

/** What ManagedServer needs from a connection to one server process (a fake implements it in unit tests). */
export interface ServerTransport extends Transport {
  readonly pid: number | undefined;
  /** How the process ended, once it has, to follow "the process": "exited with code 3", "was killed by SIGKILL". */
  readonly exitReason: string | undefined;
  /** Kills the process (group) at once, without a grace period: for a server that stopped answering. */
  kill(): void;
}

export interface ChildTransportOptions {
  command: string;
  args: readonly string[];
  /** The complete environment of the child. */
  env: Readonly<Record<string, string>>;
  cwd?: string;
  /** Each stderr line (decoded, control characters replaced, long lines cut). */
  onStderrLine: (line: string) => void;
  /** A stdout line that is not JSON-RPC (skipped, not fatal). */
  onBadStdout: (what: string) => void;
  killGraceMs: number;
  maxMessageBytes?: number;
}

/**
 * The SDK's stdio `Transport`, for servers the coordinator keeps running: the child leads its own
 * process group, so `close()` reaches whatever it started (SIGTERM, grace, SIGKILL to the group);
 * stray stdout lines are reported and skipped (a server printing a banner keeps working); the child
 * and its pipes are unref'd, so a forgotten connection never keeps the coordinator's process alive
 * (an 'exit' hook kills the group then). The SDK's StdioClientTransport does neither group kill nor unref.
 */
export class ChildProcessTransport implements ServerTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  exitReason: string | undefined;

  private child: ChildProcess | undefined;
  private readonly buffer: ReadBuffer;
  private exited: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private closedReported = false;

  constructor(private readonly opts: ChildTransportOptions) {
    this.buffer = new ReadBuffer({ maxBufferSize: opts.maxMessageBytes ?? 16 * 1024 * 1024 });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) return Promise.reject(new Error('ChildProcessTransport already started'));
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(this.opts.command, [...this.opts.args], {
          ...(this.opts.cwd !== undefined ? { cwd: this.opts.cwd } : {}),
          env: { ...this.opts.env },
          stdio: ['pipe', 'pipe', 'pipe'],
          detached: process.platform !== 'win32',
          windowsHide: true,
        });
      } catch (e) {
        this.exitReason = `could not be started (${this.opts.command}: ${errorText(e)})`;
        reject(new Error(this.exitReason));
        return;
      }
      this.child = child;
      this.exited = new Promise((r) => child.once('exit', () => r()));
      const stderr = new LineSplitter(this.opts.onStderrLine);
      child.stderr?.on('data', (d: Buffer) => stderr.push(d));
      child.stderr?.once('end', () => stderr.end());
      child.stdout?.on('data', (d: Buffer) => this.onStdout(d));
      child.stdin?.on('error', () => {
        // EPIPE once the child is gone: the 'exit' handler reports that.
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) trackGroup(child.pid);
        // Not keeping the coordinator alive: pending requests hold their own timers.
        child.unref();
        for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
        resolve();
      });
      child.once('error', (e) => {
        if (child.pid === undefined) {
          // ENOENT / EACCES before the process existed.
          this.exitReason = `could not be started (${this.opts.command}: ${errorText(e)})`;
          reject(new Error(this.exitReason));
          this.reportClosed();
        }
      });
      child.once('exit', (code, signal) => {
        this.exitReason ??= signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL'); // whatever it left behind
        // Let stdout deliver a last response written just before exiting.
        if (child.stdout?.readableEnded === false) {
          const timer = setTimeout(() => void this.close(), 50);
          timer.unref();
          child.stdout.once('end', () => {
            clearTimeout(timer);
            setImmediate(() => void this.close());
          });
        } else setImmediate(() => void this.close());
      });
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

  kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    this.exitReason ??= 'was killed: it stopped answering';
    signalGroup(pid, 'SIGKILL');
  }

  /** Stops the process group (idempotent); `onclose` follows once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const child = this.child;
      if (child) {
        child.stdout?.removeAllListeners('data');
        await killGroup(child, this.exited, this.opts.killGraceMs);
      }
      this.buffer.clear();
      this.reportClosed();
    })();
    return this.closing;
  }

  private reportClosed(): void {
    if (this.closedReported) return;
    this.closedReported = true;
    this.onclose?.();
  }

  private onStdout(chunk: Buffer): void {
    try {
      this.buffer.append(chunk);
    } catch {
      this.exitReason ??= 'wrote an oversized message on stdout';
      this.opts.onBadStdout('a message larger than the limit; closing the connection');
      void this.close();
      return;
    }
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (e) {
        this.opts.onBadStdout(`a line that is not JSON-RPC (${errorText(e).slice(0, 160)})`);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
