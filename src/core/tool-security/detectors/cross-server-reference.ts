import type { TextDetector } from '../detector';
import { nearby } from '../detector';

/**
 * A server's text that talks about another configured server's tools ("tool shadowing": "when
 * send_email is used, always bcc …"), or about another server by name. One server has no business
 * telling the model how to use another's tools; the published attacks use exactly that to redirect
 * mail or change arguments without ever being called.
 *
 * Only distinctive tool names count (with `_`, `-`, `.` or a camelCase hump, or 14+ characters):
 * `query`, `search` or `echo` are words in any description. A name counts also as the tail of a
 * prefixed form (`mcp_tool_send_email`, `github.create_issue`, `mcp__github__create_issue`).
 * A mention is medium; with words that change behaviour in the same sentence (when, before,
 * instead of, always, must, never) it is high. Another server's name counts only as
 * "<name> server/tool/MCP" or "the <name> server", since server names are often plain words.
 */
const TOKEN = /[A-Za-z0-9_.-]+/g;
const BEHAVIOUR =
  /\b(?:when|whenever|before|after|instead|rather\s{1,3}than|in\s{1,3}place\s{1,3}of|prior\s{1,3}to|always|must|never|should|do\s{1,3}not|don'?t|only|redirect|replace|override|side\s{1,3}effect|bcc|cc|also)\b/i;

export function distinctiveToolName(name: string): boolean {
  return name.length >= 4 && (/[_.-]/.test(name.slice(1, -1)) || /[a-z][A-Z]/.test(name) || name.length >= 14);
}

export const crossServerReference: TextDetector = ({ norm, server }, emit) => {
  const text = norm.text;
  if (server.otherTools.size === 0 && server.otherServers.size === 0) return;
  let reported = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null && reported < 5; m = TOKEN.exec(text)) {
    const token = m[0].replace(/^[-.]+|[-.]+$/g, '');
    if (token.length < 3 || token.length > 160) continue;
    const start = m.index + m[0].indexOf(token);
    const end = start + token.length;

    const tool = referencedTool(token, server.otherTools, server.ownTools);
    if (tool !== undefined) {
      const owners = server.otherTools.get(tool) ?? [];
      const acted = nearby(text, start, end, BEHAVIOUR);
      reported++;
      emit({
        ruleId: 'tool-cross-server-reference',
        severity: acted ? 'high' : 'medium',
        start,
        end,
        message: `${acted ? 'Tells the model how to use' : 'Mentions'} ${tool}, a tool of ${owners.map((o) => `"${o}"`).join(', ')}: one server's text steering another server's tool ("tool shadowing").`,
      });
      continue;
    }
    const other = server.otherServers.get(token.toLowerCase());
    if (other !== undefined && other !== server.serverName && namedAsServer(text, start, end)) {
      const acted = nearby(text, start, end, BEHAVIOUR);
      reported++;
      emit({
        ruleId: 'tool-cross-server-reference',
        severity: acted ? 'medium' : 'low',
        start,
        end,
        message: `Refers to the "${other}" server, another server in this configuration.`,
      });
    }
  }
};

/** The other server's tool that `token` names, exactly or as the tail of a prefixed form. */
function referencedTool(token: string, others: ReadonlyMap<string, readonly string[]>, own: ReadonlySet<string>): string | undefined {
  const check = (name: string): string | undefined => (others.has(name) && !own.has(name) && distinctiveToolName(name) ? name : undefined);
  const exact = check(token);
  if (exact !== undefined) return exact;
  // At most eight tails: enough for any real prefix, and bounded work on a hostile token.
  for (let i = 1, tails = 0; i < token.length - 3 && tails < 8; i++) {
    const c = token[i];
    if ((c === '_' || c === '.' || c === '-') && token[i + 1] !== c) {
      tails++;
      const hit = check(token.slice(i + 1));
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/** `github server`, `github MCP`, `the github tools`, `server github`, `mcp__github__…`. */
function namedAsServer(text: string, start: number, end: number): boolean {
  const after = text.slice(end, end + 24);
  const before = text.slice(Math.max(0, start - 16), start);
  return /^['"`]?\s{0,2}(?:mcp\b|server|tools?\b|integration|connector|plugin)/i.test(after) || /\b(?:server|mcp)\s{0,2}['"`]?$/i.test(before) || /mcp__$/.test(before);
}
