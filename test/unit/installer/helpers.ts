import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hashCanonical, HASH_TAGS } from '../../../src/core/crypto/hash';
import { generateGrantKeyPair, signGrant } from '../../../src/core/grants/grant-crypto';
import type { Grant, SignedGrant } from '../../../src/core/grants/grant-schema';
import { buildProposal } from '../../../src/core/remediation/build-proposal';
import type { ProposalAction, RemediationProposal } from '../../../src/core/remediation/proposal-schema';
import { ApprovalGate } from '../../../src/servers/kit/approval-gate';
import type { Approve } from '../../../src/servers/installer/apply-engine';
import { createInstallerContext, defaultStateDir, type ContextOverrides, type InstallerContext } from '../../../src/servers/installer/installer-context';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export const keys = generateGrantKeyPair();
export const otherKeys = generateGrantKeyPair();

export const LEGACY_TEXT = `{
  // project servers: reviewed by the platform team
  "mcpServers": {
    "zeta": { "command": "node", "args": ["zeta.js"] },
    "alpha": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-memory@2026.8.31"],
      "alwaysAllow": ["*"]
    }
  }
}
`;

export const VSCODE_TEXT = `{
\t// VS Code servers
\t"servers": {
\t\t"web": { "type": "http", "url": "https://mcp.example.com/mcp" }
\t}
}
`;

export interface Sandbox {
  root: string;
  ws: string;
  home: string;
  legacy: string;
  vscode: string;
  stateDir: string;
  ctx: InstallerContext;
  cleanup(): void;
}

/** A temporary workspace and home with a legacy KiloCode config (with comments) and a VS Code one. */
export function sandbox(o: ContextOverrides & { grantKey?: boolean; files?: boolean } = {}): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'oversight-installer-'));
  const ws = join(root, 'ws');
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  const legacy = join(ws, '.kilocode', 'mcp.json');
  const vscode = join(ws, '.vscode', 'mcp.json');
  if (o.files !== false) {
    mkdirSync(dirname(legacy), { recursive: true });
    mkdirSync(dirname(vscode), { recursive: true });
    writeFileSync(legacy, LEGACY_TEXT);
    chmodSync(legacy, 0o640);
    writeFileSync(vscode, VSCODE_TEXT);
  } else {
    mkdirSync(ws, { recursive: true });
  }
  const ctx = makeContext(ws, home, o);
  return { root, ws, home, legacy, vscode, stateDir: defaultStateDir(ws), ctx, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function makeContext(ws: string, home: string, o: ContextOverrides & { grantKey?: boolean } = {}): InstallerContext {
  return createInstallerContext({ workspace: ws, allowedOrigins: [], ...(o.grantKey !== false ? { grantPublicKey: keys.publicKey } : {}) }, 'test', { home, env: {}, ...o });
}

type Action = Omit<ProposalAction, 'actionId'>;

export function removeAutoApprove(file: string): Action {
  return { kind: 'remediate-finding', description: 'Remove blanket auto-approval', file, edits: [{ jsonPath: ['mcpServers', 'alpha', 'alwaysAllow'], remove: true }], risk: 'low' };
}

export function addServer(file: string, container: string, name: string, value: unknown = { command: 'node', args: [`${name}.js`] }): Action {
  return { kind: 'install-server', description: `Install ${name}`, file, edits: [{ jsonPath: [container, name], value }], risk: 'high', server: name };
}

/** A proposal over the files as they are now (what the Compliance Server would produce). */
export function propose(actions: Action[], ws?: string): RemediationProposal {
  return buildProposal({
    assessmentId: randomUUID(),
    actions,
    read: (f) => {
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return undefined;
      }
    },
    ...(ws !== undefined ? { workspace: ws } : {}),
    now: new Date(),
    newId: () => randomUUID(),
  });
}

export const proposalHash = (p: RemediationProposal) => hashCanonical(HASH_TAGS.proposal, p);

export function grantFor(subjectHash: string, targetFile: string, baseHash: string | null, over: Partial<Grant> = {}, signer = keys.privateKey): SignedGrant {
  const now = Date.now();
  return signGrant(
    {
      grantId: randomUUID(),
      kind: 'remediation',
      subjectHash,
      targetFile,
      baseHash,
      approver: { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true },
      decidedAt: new Date(now - 1000).toISOString(),
      expiresAt: new Date(now + 3_600_000).toISOString(),
      ...over,
    },
    signer,
  );
}

export function grantForProposal(p: RemediationProposal, over: Partial<Grant> = {}, signer = keys.privateKey): SignedGrant {
  return grantFor(proposalHash(p), p.files[0]!.file, p.files[0]!.baseHash, over, signer);
}

/** Approval through the context's gate in grant mode (no MCP session is needed there). */
export function gateApprove(ctx: InstallerContext): Approve {
  return (subject, grant) => ctx.gate.approve(subject, grant, undefined as unknown as McpServer);
}

/** A stand-in for the elicitation path: the person said yes. */
export const elicitedYes: Approve = async () => ({ via: 'elicitation', approver: { id: 'test-client', label: 'user of test-client', provider: 'mcp-elicitation', verified: false } });

/** Every file under `dir` with its bytes: to assert that nothing at all changed. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p, readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

export function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

export async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<Error & { code: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { code: string };
    if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`, { cause: e });
    if (message !== undefined && !message.test(err.message)) throw new Error(`message ${JSON.stringify(err.message)} does not match ${String(message)}`, { cause: e });
    return err;
  }
  throw new Error(`expected ${code}, but it resolved`);
}

export { ApprovalGate };
