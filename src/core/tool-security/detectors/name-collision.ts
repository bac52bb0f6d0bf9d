import type { Severity } from '../../model/severity';
import { hasLookAlike, looseName, nameSkeleton } from '../confusables';
import { escapeCapped } from '../escape';
import type { ToolSecurityProbe, ToolSecurityRuleId } from '../types';

/**
 * Tool names across the configuration: the same name on two servers (the model may call the wrong
 * one; a later server can take over a trusted one's name), and names that imitate another tool's
 * name with look-alike letters (`read_fiIe`, `reаd_file` with a Cyrillic а) — of another configured
 * server or of a well-known server's tools, so an imitation is caught even when the original is not
 * configured. Case and separator differences alone (`read-file` / `read_file`) are low.
 */
export interface NameHit {
  ruleId: ToolSecurityRuleId;
  severity: Severity;
  probe: ToolSecurityProbe;
  tool: string;
  message: string;
}

/** Tools of widely used servers (the official reference servers, Playwright, shells, mail): names worth imitating. */
export const WELL_KNOWN_TOOLS: readonly string[] = [
  // filesystem
  'read_file', 'read_text_file', 'read_media_file', 'read_multiple_files', 'write_file', 'edit_file', 'create_directory', 'list_directory',
  'directory_tree', 'move_file', 'search_files', 'get_file_info', 'list_allowed_directories',
  // github / gitlab
  'create_or_update_file', 'search_repositories', 'create_repository', 'get_file_contents', 'push_files', 'create_issue', 'create_pull_request',
  'fork_repository', 'create_branch', 'list_commits', 'list_issues', 'update_issue', 'add_issue_comment', 'search_code', 'merge_pull_request',
  // git
  'git_status', 'git_diff', 'git_commit', 'git_add', 'git_reset', 'git_log', 'git_checkout', 'git_push',
  // memory, fetch, time, everything
  'create_entities', 'create_relations', 'add_observations', 'read_graph', 'search_nodes', 'open_nodes', 'fetch', 'get_current_time', 'echo',
  // browsers
  'browser_navigate', 'browser_click', 'browser_type', 'browser_snapshot', 'browser_evaluate', 'puppeteer_navigate', 'puppeteer_evaluate',
  // messaging, mail, shells, search
  'slack_post_message', 'send_email', 'send_message', 'execute_command', 'run_command', 'run_terminal_cmd', 'shell', 'bash', 'web_search',
  'brave_web_search', 'query', 'sequentialthinking',
];

const WELL_KNOWN_SET: ReadonlySet<string> = new Set(WELL_KNOWN_TOOLS);
const SPEC_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export function nameCollisions(probes: readonly ToolSecurityProbe[]): NameHit[] {
  const hits: NameHit[] = [];
  const reported = new Set<string>();
  const key = (p: ToolSecurityProbe, tool: string, rule: string) => `${p.serverId}\u0000${tool}\u0000${rule}`;
  const report = (hit: NameHit): void => {
    const k = key(hit.probe, hit.tool, hit.ruleId);
    if (reported.has(k)) return;
    reported.add(k);
    hits.push(hit);
  };

  // Each distinct name once per server; a name listed twice by one server is reported here.
  const byName = new Map<string, ToolSecurityProbe[]>();
  const bySkeleton = new Map<string, Map<string, ToolSecurityProbe[]>>();
  for (const probe of probes) {
    const seen = new Set<string>();
    for (const tool of probe.tools) {
      const name = tool.name;
      if (seen.has(name)) {
        report({ ruleId: 'tool-name-collision', severity: 'medium', probe, tool: name, message: `The server lists "${escapeCapped(name, 80)}" more than once: which definition the client uses is up to it.` });
        continue;
      }
      seen.add(name);
      push(byName, name, probe);
      const sk = nameSkeleton(name);
      let names = bySkeleton.get(sk);
      if (names === undefined) bySkeleton.set(sk, (names = new Map()));
      push(names, name, probe);
    }
  }

  // The same name on servers with different names (one server configured in two files is shadowing, reported statically).
  for (const [name, owners] of byName) {
    if (new Set(owners.map((p) => p.serverName)).size < 2) continue;
    for (const probe of owners) {
      const others = [...new Set(owners.filter((p) => p.serverName !== probe.serverName).map((p) => `"${escapeCapped(p.serverName, 60)}"`))];
      report({ ruleId: 'tool-name-collision', severity: 'medium', probe, tool: name, message: `Tool "${escapeCapped(name, 80)}" is also offered by ${others.join(', ')}: the model may call the wrong one, and a server can take over a trusted tool's name.` });
    }
  }

  // Different names that look the same: configured ones against each other, then against well-known names.
  const wellKnown = new Map<string, string>();
  for (const w of WELL_KNOWN_TOOLS) wellKnown.set(nameSkeleton(w), w);
  for (const [sk, names] of bySkeleton) {
    const distinct = [...names.keys()];
    const byLoose = new Map<string, string[]>();
    for (const name of distinct) push(byLoose, looseName(name), name);
    // The side that looks like the original is not blamed when its rivals are the odd ones.
    const anyClean = distinct.some((n) => !suspicious(n));
    for (const name of distinct) {
      const loose = looseName(name);
      const lookAlikes = firstOthers(byLoose, loose, 3);
      const sameLoose = (byLoose.get(loose) ?? []).slice(0, 4).filter((n) => n !== name).slice(0, 3);
      for (const probe of names.get(name) ?? []) {
        // A clean name with odd rivals is the imitated one: the checks below still apply to it.
        if (lookAlikes.length > 0 && !(anyClean && !suspicious(name))) {
          const where = lookAlikes.map((n) => `"${escapeCapped(n, 80)}" (${serversOf(names.get(n) ?? [])})`).join(', ');
          report({ ruleId: 'tool-name-imitation', severity: 'high', probe, tool: name, message: `Tool "${escapeCapped(name, 80)}" looks like ${where} but is spelled with different characters${hasLookAlike(name) ? ' (letters from another script)' : ''}.` });
          continue;
        }
        const known = wellKnown.get(sk);
        if (known !== undefined && known !== name && looseName(known) !== loose) {
          report({ ruleId: 'tool-name-imitation', severity: 'high', probe, tool: name, message: `Tool "${escapeCapped(name, 80)}" imitates the well-known tool "${known}" with look-alike characters.` });
          continue;
        }
        if (hasLookAlike(name)) {
          report({ ruleId: 'tool-name-imitation', severity: 'high', probe, tool: name, message: `Tool "${escapeCapped(name, 80)}" uses letters from another script that look like Latin ones.` });
          continue;
        }
        const otherServers = sameLoose.flatMap((n) => (names.get(n) ?? []).filter((p) => p.serverName !== probe.serverName));
        if (otherServers.length > 0 && !WELL_KNOWN_SET.has(name)) {
          const where = sameLoose.map((n) => `"${escapeCapped(n, 80)}" (${serversOf(names.get(n) ?? [])})`).join(', ');
          report({ ruleId: 'tool-name-imitation', severity: 'low', probe, tool: name, message: `Tool "${escapeCapped(name, 80)}" differs from ${where} only in case or separators.` });
          continue;
        }
        if (!SPEC_NAME.test(name)) {
          report({ ruleId: 'tool-name-imitation', severity: 'low', probe, tool: name, message: `Tool "${escapeCapped(name, 80)}" has characters outside A-Z, a-z, 0-9, "_", "-" and "." (what MCP recommends for tool names).` });
        }
      }
    }
  }
  return hits;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list === undefined) map.set(k, [v]);
  else list.push(v);
}

/** Up to `n` names from the groups other than `except` (stops early: a hostile group can be large). */
function firstOthers(groups: ReadonlyMap<string, string[]>, except: string, n: number): string[] {
  const out: string[] = [];
  for (const [loose, list] of groups) {
    if (loose === except) continue;
    for (const name of list) {
      out.push(name);
      if (out.length >= n) return out;
    }
  }
  return out;
}

/** A name spelled in a way that imitates rather than is imitated: non-ASCII look-alikes, or I, 0, 1 among letters. */
function suspicious(name: string): boolean {
  return !SPEC_NAME.test(name) || hasLookAlike(name) || /[a-z]I|\||[A-Za-z][01]|[01][A-Za-z]/.test(name);
}

function serversOf(probes: readonly ToolSecurityProbe[]): string {
  return [...new Set(probes.map((p) => `"${escapeCapped(p.serverName, 60)}"`))].join(', ');
}
