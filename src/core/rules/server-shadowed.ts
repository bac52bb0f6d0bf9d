import { CLIENTS } from '../config/clients';
import type { McpServer } from '../model/server';
import type { Rule } from './rule';


/** Would the two entries start the same thing? Then shadowing is harmless duplication. */
function sameDefinition(a: McpServer, b: McpServer): boolean {
  return a.command === b.command && a.url === b.url && a.args.join('\0') === b.args.join('\0');
}

export const serverShadowedRule: Rule = {
  id: 'server-shadowed',
  category: 'server-shadowed',
  severity: 'medium',
  title: 'A server definition silently hides another of the same name',
  rationale:
    'When two config files define a server with the same name, the client uses only one of them without saying so. A reviewer reading the other file sees a server that does not run, and a project file can quietly replace a trusted global definition.',
  help: 'Rename one of the two servers, or delete the one that is not meant to run.',
  check(ctx, report) {
    const byId = new Map(ctx.model.servers.map((s) => [s.id, s]));
    const display = new Map(ctx.model.sources.map((s) => [s.id, s.displayPath]));
    for (const entry of ctx.model.effective) {
      const winner = byId.get(entry.serverId);
      if (!winner) continue;
      for (const hiddenId of entry.shadows) {
        const hidden = byId.get(hiddenId);
        if (!hidden || hidden.file === winner.file) continue;
        const same = sameDefinition(winner, hidden);
        report({
          server: hidden,
          path: hidden.origins.entry,
          key: `${entry.client}:${winner.id}`,
          severity: same ? 'low' : 'medium',
          message: `${CLIENTS[entry.client].label} ignores server "${hidden.name}" here: the entry of the same name in ${display.get(winner.sourceId) ?? winner.file} takes precedence${same ? ' (it runs the same command)' : ' and runs something different'}.`,
        });
      }
    }
  },
};
