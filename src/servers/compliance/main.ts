import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { nodeFileSystem } from '../../core/ports/node-file-system';
import { ApprovalGate } from '../kit/approval-gate';
import { serverMain } from '../kit/server-main';
import type { ComplianceContext } from './compliance-context';
import { createComplianceServer } from './compliance-server';
import { liveFindings } from './live-findings';
import { probeServers } from '../../live/probe-servers';

declare const PACKAGE_VERSION: string;
const version = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

// The composition root of the Compliance Server process: one context shared by every session.
let shared: ComplianceContext | undefined;

void serverMain({
  bin: 'mcp-compliance-server',
  version,
  create: (options) => {
    shared ??= {
      workspace: options.workspace,
      version,
      fs: nodeFileSystem,
      gate: new ApprovalGate(options.grantPublicKey, () => new Date()),
      now: () => new Date(),
      newId: () => randomUUID(),
      env: process.env,
      home: homedir(),
      platform: process.platform,
      probe: (servers, o) => probeServers(servers, o),
      liveFindings: (input) => liveFindings(input, options.workspace),
      recentLive: new Map(),
    };
    return createComplianceServer(shared);
  },
});
