import { formatJsonPath } from '../model/location';
import type { Remediation } from '../model/finding';
import type { McpServer } from '../model/server';
import { perServerRule } from './rule';

/** The remediation that stops auto-approving `tools` (indexes into server.autoApprove). */
export function stopAutoApproving(server: McpServer, indexes: number[]): Remediation | undefined {
  const list = server.origins.autoApproveList;
  if (list === undefined) return undefined;
  if (server.format === 'kilo') {
    // Kilo: each grant is its own `permission` key; asking is the safe value.
    return {
      description: `Ask before running ${indexes.map((i) => `"${server.autoApprove[i]}"`).join(', ')} of "${server.name}"`,
      edits: indexes.flatMap((i) => {
        const path = server.origins.autoApprove[i];
        return path ? [{ file: server.file, jsonPath: path, value: 'ask' }] : [];
      }),
    };
  }
  // One removal per entry, last first (indexes stay valid), instead of a copy of the whole list per
  // finding: a list of thousands of dangerous tools would otherwise cost memory quadratic in its size.
  const paths = [...indexes].sort((a, b) => b - a).flatMap((i) => {
    const path = server.origins.autoApprove[i];
    return path ? [path] : [];
  });
  return {
    description: `Stop auto-approving ${indexes.map((i) => `"${server.autoApprove[i]}"`).join(', ')} for "${server.name}" (${formatJsonPath(list)})`,
    edits: paths.map((jsonPath) => ({ file: server.file, jsonPath, remove: true })),
  };
}

export const autoApproveAllRule = perServerRule(
  {
    id: 'auto-approve-all',
    category: 'auto-approve-all',
    severity: 'high',
    title: 'Every tool of a server runs without asking',
    rationale:
      'With every tool auto-approved, a prompt injection in any file, web page or tool result can make the agent call this server\'s most dangerous tools with no person seeing it.',
    help: 'List only read-only tools in `alwaysAllow` / `autoApprove` (or set them to "allow" individually in Kilo `permission`), and let the client ask for the rest.',
  },
  (server, _ctx, report) => {
    const all = server.autoApprove.flatMap((t, i) => (t === '*' ? [i] : []));
    if (all.length === 0 || !server.enabled) return;
    const path = server.origins.autoApprove[all[0] as number];
    if (!path) return;
    const remediation = stopAutoApproving(server, all);
    report({
      server,
      path,
      message: `Every tool of server "${server.name}" is auto-approved (${formatJsonPath(path)}): the agent can call any of them without asking.`,
      ...(remediation ? { remediation } : {}),
    });
  },
);
