import { formatJsonPath } from '../model/location';
import { perServerRule } from './rule';
import { stopAutoApproving } from './auto-approve-all';
import { dangerOf } from './support/tool-names';

const WHAT = { execute: 'executes commands', delete: 'deletes', send: 'sends data out', write: 'writes or changes' } as const;

export const autoApproveDangerousRule = perServerRule(
  {
    id: 'auto-approve-dangerous',
    category: 'auto-approve-dangerous',
    severity: 'medium',
    title: 'A tool that writes, deletes, executes or sends runs without asking',
    rationale:
      'Auto-approval is meant for read-only tools. A tool whose name says it executes, deletes, sends or writes can do lasting harm when a prompt injection triggers it, and no person gets to see the call.',
    help: 'Remove the tool from the auto-approved list so the client asks each time.',
  },
  (server, _ctx, report) => {
    if (!server.enabled) return;
    for (let i = 0; i < server.autoApprove.length; i++) {
      const tool = server.autoApprove[i] as string;
      if (tool === '*') continue; // auto-approve-all
      const danger = dangerOf(tool);
      const path = server.origins.autoApprove[i];
      if (danger === undefined || path === undefined) continue;
      const remediation = stopAutoApproving(server, [i]);
      report({
        server,
        path,
        key: tool,
        severity: danger === 'write' ? 'medium' : 'high',
        message: `Tool "${tool}" of server "${server.name}" ${WHAT[danger]} by its name, yet is auto-approved (${formatJsonPath(path)}).`,
        ...(remediation ? { remediation } : {}),
      });
    }
  },
);
