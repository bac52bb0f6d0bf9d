/**
 * A fake server "process" at ManagedServer's transport boundary: each spawn is an in-process McpServer
 * (the real SDK) behind an InMemoryTransport pair, so the client side speaks real MCP while the test
 * decides when a process fails to start, crashes, or freezes (drops every message, as a SIGSTOPped
 * process would). The integration tests run the same scenarios against real processes.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ServerTransport } from '../../../../src/coordinator/servers/child-transport';

let nextPid = 100_000;

export class FakeProcess implements ServerTransport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  readonly pid = nextPid++;
  exitReason: string | undefined;
  /** Drops every message both ways (a hung process). */
  frozen = false;
  private readonly client: InMemoryTransport;
  private readonly server: InMemoryTransport;
  private closed = false;

  constructor(private readonly fleet: FakeFleet) {
    [this.client, this.server] = InMemoryTransport.createLinkedPair();
  }

  async start(): Promise<void> {
    if (this.fleet.failStarts > 0) {
      this.fleet.failStarts--;
      this.exitReason = 'exited with code 1';
      throw new Error('spawn failed');
    }
    const mcp = this.fleet.build(this);
    await mcp.connect(this.server);
    this.client.onmessage = (m) => {
      if (!this.frozen) this.onmessage?.(m);
    };
    this.client.onclose = () => this.reportClosed();
    await this.client.start();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('Not connected');
    if (this.frozen) return;
    await this.client.send(message);
  }

  kill(): void {
    this.exitReason ??= 'was killed';
    void this.close();
  }

  /** The process dies on its own. */
  crash(reason = 'was killed by SIGKILL'): void {
    this.exitReason = reason;
    void this.close();
  }

  async close(): Promise<void> {
    await this.client.close();
    this.reportClosed();
  }

  private reportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}

/** All the fake processes of one ManagedServer, and the tools they serve. */
export class FakeFleet {
  readonly spawned: FakeProcess[] = [];
  /** The next N spawns fail. */
  failStarts = 0;
  /** Calls received per tool, over all processes. */
  readonly calls = new Map<string, number>();

  readonly factory = (): ServerTransport => {
    const p = new FakeProcess(this);
    this.spawned.push(p);
    return p;
  };

  get current(): FakeProcess {
    const p = this.spawned[this.spawned.length - 1];
    if (!p) throw new Error('nothing spawned');
    return p;
  }

  build(proc: FakeProcess): McpServer {
    const server = new McpServer({ name: 'fake', version: '1.0.0' });
    const seen = (tool: string) => this.calls.set(tool, (this.calls.get(tool) ?? 0) + 1);
    const ok = (structuredContent: Record<string, unknown>) => ({ content: [{ type: 'text' as const, text: JSON.stringify(structuredContent) }], structuredContent });
    server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => {
      seen('echo');
      return ok({ text, pid: proc.pid });
    });
    server.registerTool('sleep', { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
      seen('sleep');
      await new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(t);
          r();
        });
      });
      return ok({ slept: ms, pid: proc.pid });
    });
    server.registerTool('refuse', { inputSchema: { code: z.string() } }, ({ code }) => {
      seen('refuse');
      return { isError: true, content: [{ type: 'text' as const, text: `${code}: no` }], _meta: { 'mcp-oversight/error': { code, message: 'no', details: { proposalId: 'p1' } } } };
    });
    server.registerTool('plain', { inputSchema: {} }, () => {
      seen('plain');
      return { content: [{ type: 'text' as const, text: 'just text' }] };
    });
    server.registerTool('crash', { inputSchema: {} }, () => {
      seen('crash');
      // Dies while the call is open (the answer never leaves).
      setImmediate(() => proc.crash('exited with code 9'));
      return new Promise(() => {});
    });
    return server;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms up to `ms`. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
