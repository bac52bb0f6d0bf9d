import { redactSecrets } from '../secrets/detect-secrets';
import { severityRank, type Severity } from '../model/severity';
import type { ServerView, TextDetector, TextHit } from './detector';
import { concealment } from './detectors/concealment';
import { crossServerReference } from './detectors/cross-server-reference';
import { descriptionTooLong } from './detectors/description-too-long';
import { exfiltration } from './detectors/exfiltration';
import { hiddenCharacters } from './detectors/hidden-characters';
import { hiddenInstructions } from './detectors/hidden-instructions';
import { nameCollisions } from './detectors/name-collision';
import { sensitivePath } from './detectors/sensitive-path';
import { escapeCapped, escapeInvisible, quoteSpan } from './escape';
import { normalizeForMatching } from './normalize';
import { collectTexts, type TextItem } from './text-items';
import { TOOL_SECURITY_RULES, type AnalyzeOptions, type ToolSecurityHit, type ToolSecurityProbe, type ToolSecurityRuleId } from './types';

/** Checks of prose (descriptions, titles, schema strings, instructions), in report order. */
const PROSE_DETECTORS: readonly [string, TextDetector][] = [
  ['hidden-characters', hiddenCharacters],
  ['hidden-instructions', hiddenInstructions],
  ['concealment', concealment],
  ['sensitive-path', sensitivePath],
  ['exfiltration', exfiltration],
  ['cross-server-reference', crossServerReference],
  ['description-too-long', descriptionTooLong],
];
/** Names, keys and URIs: only what cannot be seen. */
const NAME_DETECTORS: readonly [string, TextDetector][] = [['hidden-characters', hiddenCharacters]];

/** An instruction or concealment together with a target makes an attack, not an oddity. */
const DIRECTIVES: ReadonlySet<ToolSecurityRuleId> = new Set(['tool-hidden-instructions', 'tool-concealment']);
const TARGETS: ReadonlySet<ToolSecurityRuleId> = new Set(['tool-sensitive-path', 'tool-exfiltration', 'tool-cross-server-reference']);

/**
 * Security analysis of what live servers told the model: every tool name, title, description and
 * schema string, every prompt and resource, and each server's instructions, for tool poisoning,
 * hidden characters and name collisions. Pure and bounded: hostile input (huge, deeply nested,
 * full of near-matches) costs time linear in its size, capped per server.
 *
 * Unreachable servers (`status: 'unreachable'`) are skipped. Findings quote what they matched,
 * escaped, so that a person can judge it.
 */
export function analyzeServerOutputs(probes: readonly ToolSecurityProbe[], opts: AnalyzeOptions = {}): ToolSecurityHit[] {
  const live = probes.filter((p) => p.status !== 'unreachable');
  const limits = { maxChars: opts.maxCharsPerServer ?? 2_000_000, maxTexts: opts.maxTextsPerServer ?? 20_000, maxDepth: opts.maxSchemaDepth ?? 32 };
  const longDescription = opts.longDescription ?? 4_000;

  // Tool names -> servers that offer them, for cross-server references.
  const toolOwners = new Map<string, Set<string>>();
  const serverNames = new Map<string, string>();
  for (const p of live) {
    serverNames.set(p.serverName.toLowerCase(), p.serverName);
    for (const t of p.tools) {
      let owners = toolOwners.get(t.name);
      if (owners === undefined) toolOwners.set(t.name, (owners = new Set()));
      owners.add(p.serverName);
    }
  }

  const hits: ToolSecurityHit[] = [];
  for (const probe of live) {
    const own = new Set(probe.tools.map((t) => t.name));
    const otherTools = new Map<string, string[]>();
    for (const [name, owners] of toolOwners) {
      const others = [...owners].filter((o) => o !== probe.serverName);
      if (others.length > 0) otherTools.set(name, others);
    }
    const otherServers = new Map([...serverNames].filter(([, name]) => name !== probe.serverName));
    const view: ServerView = { serverName: probe.serverName, ownTools: own, otherTools, otherServers, longDescription };

    const { items, truncated } = collectTexts(probe, limits);
    for (const item of items) scanItem(probe, item, view, hits);
    if (truncated !== undefined) {
      hits.push(
        hit(probe, undefined, 'tools/list', 'tool-scan-limit', 'medium', `The server returned ${truncated}; the rest was not checked (a hostile server can hide text past any limit, so look at it yourself).`, ''),
      );
    }
  }

  for (const n of nameCollisions(live)) {
    hits.push(hit(n.probe, n.tool, 'name', n.ruleId, n.severity, n.message, escapeCapped(n.tool, 160)));
  }
  return hits;
}

function scanItem(probe: ToolSecurityProbe, item: TextItem, view: ServerView, out: ToolSecurityHit[]): void {
  const detectors = item.kind === 'prose' ? PROSE_DETECTORS : NAME_DETECTORS;
  const norm = normalizeForMatching(item.text);
  // One hit per rule and string: the worst, with a count of the others.
  const best = new Map<ToolSecurityRuleId, { hit: TextHit; count: number }>();
  const emit = (h: TextHit): void => {
    const b = best.get(h.ruleId);
    if (b === undefined) best.set(h.ruleId, { hit: h, count: 1 });
    else {
      b.count++;
      if (severityRank(h.severity) > severityRank(b.hit.severity)) b.hit = h;
    }
  };
  for (const [name, detect] of detectors) {
    try {
      detect({ item, norm, server: view }, emit);
    } catch (e) {
      // A check must never abort the analysis; an unchecked string is itself worth a look.
      emit({ ruleId: 'tool-scan-limit', severity: 'medium', start: 0, end: Math.min(80, norm.text.length), message: `The ${name} check failed on this text (${e instanceof Error ? e.name : 'error'}); it was not fully checked.` });
    }
  }
  if (best.size === 0) return;

  const escalate = [...best.keys()].some((r) => DIRECTIVES.has(r)) && [...best.keys()].some((r) => TARGETS.has(r));
  for (const [ruleId, { hit: h, count }] of best) {
    const start = h.original ? h.start : (norm.origin[h.start] ?? item.text.length);
    const end = h.original ? h.end : (norm.origin[h.end] ?? item.text.length);
    let severity = h.severity;
    let message = h.message;
    if (escalate && (DIRECTIVES.has(ruleId) || TARGETS.has(ruleId))) {
      severity = 'critical';
      message += ' Together with the instructions or targets around it in the same text, this is the shape of a tool-poisoning attack.';
    }
    if (count > 1) message += ` (${count} such spans in this text; the worst is quoted.)`;
    out.push(hit(probe, item.tool, item.field, ruleId, severity, message, quoteSpan(item.text, start, end)));
  }
}

function hit(probe: ToolSecurityProbe, tool: string | undefined, field: string, ruleId: ToolSecurityRuleId, severity: Severity, message: string, quote: string): ToolSecurityHit {
  const h: ToolSecurityHit = {
    category: TOOL_SECURITY_RULES[ruleId].category,
    ruleId,
    severity,
    serverId: probe.serverId,
    serverName: probe.serverName,
    field,
    // Messages quote names and paths from the server: escaped as the quote is.
    message: redactSecrets(escapeInvisible(message)),
    quote: redactSecrets(quote),
  };
  if (tool !== undefined) h.tool = tool;
  return h;
}
