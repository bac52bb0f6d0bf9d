import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXTENSION_ID, ourExtension } from './host';

/**
 * The extension's workspace store as VS Code lays it out: `<user-data>/User/workspaceStorage/<id>/<extension id>`.
 * The launcher passes `<user-data>/logs` in MCP_OVERSIGHT_E2E_LOGS. Undefined while nothing was stored.
 */
export function storeDir(): string | undefined {
  const logs = process.env['MCP_OVERSIGHT_E2E_LOGS'];
  if (!logs) throw new Error('MCP_OVERSIGHT_E2E_LOGS is not set: run through scripts/vscode-host/run-e2e.mjs');
  const root = join(dirname(logs), 'User', 'workspaceStorage');
  if (!existsSync(root)) return undefined;
  for (const id of readdirSync(root)) {
    const dir = join(root, id, EXTENSION_ID);
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

export interface AuditLine {
  seq: number;
  kind: string;
  actor: { id: string; provider: string; verified: boolean };
  subject: { type: string; id: string };
  payload: Record<string, unknown>;
}

/** The audit log through our own CLI (`audit show --json`), newest first, as a person or a script would read it. */
export function auditEntries(store: string, limit = 500): AuditLine[] {
  const cli = join(ourExtension().extensionPath, 'dist', 'cli.js');
  const out = execFileSync(process.execPath, [cli, 'audit', 'show', '--store', store, '--limit', String(limit), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  return JSON.parse(out) as AuditLine[];
}

/** `audit verify --json` through the CLI: the chain, hashes and signed checkpoints. */
export function verifyAudit(store: string): { ok: boolean; entries: number } {
  const cli = join(ourExtension().extensionPath, 'dist', 'cli.js');
  try {
    return JSON.parse(execFileSync(process.execPath, [cli, 'audit', 'verify', '--store', store, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } })) as { ok: boolean; entries: number };
  } catch (e) {
    const stdout = (e as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout) as { ok: boolean; entries: number };
    throw e;
  }
}

/**
 * Processes whose command line runs one of our two servers from this extension's dist/ and that this
 * extension host started (its descendants: Linux /proc). Not every such process on the machine: a bench or
 * another test run may be running the same dist/ at the same time.
 */
export function ourServerProcesses(): { pid: number; cmd: string }[] {
  const dist = join(ourExtension().extensionPath, 'dist');
  const found: { pid: number; cmd: string }[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue; // gone
    }
    if ((cmd.includes(join(dist, 'compliance-server.js')) || cmd.includes(join(dist, 'installer-server.js'))) && descendsFrom(Number(pid), process.pid)) found.push({ pid: Number(pid), cmd });
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // gone
  }
}

function descendsFrom(pid: number, ancestor: number): boolean {
  for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parentOf(p), hops++) if (p === ancestor) return true;
  return false;
}
