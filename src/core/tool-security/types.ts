import type { Severity } from '../model/severity';
import type { ServerProbe } from '../model/live';

/**
 * What the checks read of a live probe: a structural subset of `ServerProbe`, so tests and fixtures
 * can pass a plain capture of `tools/list` without the probe's timings and transport.
 */
export type ToolSecurityProbe = Pick<ServerProbe, 'serverId' | 'serverName' | 'tools'> &
  Partial<Pick<ServerProbe, 'prompts' | 'resources' | 'instructions' | 'status'>>;

export type ToolSecurityCategory = 'tool-poisoning' | 'hidden-characters' | 'tool-name-collision';

/** Stable rule ids (public: findings, suppressions and docs/LIVE-CHECKS.md use them). */
export const TOOL_SECURITY_RULES = {
  'tool-hidden-instructions': { category: 'tool-poisoning', title: 'Instructions aimed at the model (tag blocks, prompt-injection phrases)' },
  'tool-concealment': { category: 'tool-poisoning', title: 'Asks the model to keep something from the user' },
  'tool-sensitive-path': { category: 'tool-poisoning', title: 'Mentions credential files or agent configuration' },
  'tool-exfiltration': { category: 'tool-poisoning', title: 'Asks the model to send data elsewhere or to encode it' },
  'tool-cross-server-reference': { category: 'tool-poisoning', title: "Refers to another server's tools (shadowing)" },
  'tool-description-too-long': { category: 'tool-poisoning', title: 'Far longer than a description needs, or padded out of view' },
  'tool-scan-limit': { category: 'tool-poisoning', title: 'More text than the checks read' },
  'hidden-characters': { category: 'hidden-characters', title: 'Zero-width, invisible or control characters' },
  'hidden-tag-characters': { category: 'hidden-characters', title: 'Unicode tag characters (invisible ASCII)' },
  'hidden-bidi-control': { category: 'hidden-characters', title: 'Bidirectional controls (text reads differently than it is)' },
  'hidden-ansi-escape': { category: 'hidden-characters', title: 'Terminal escape sequences' },
  'hidden-variation-selectors': { category: 'hidden-characters', title: 'Variation selectors that can carry hidden bytes' },
  'tool-name-collision': { category: 'tool-name-collision', title: 'The same tool name on two servers' },
  'tool-name-imitation': { category: 'tool-name-collision', title: 'A tool name that imitates another (look-alike letters)' },
} as const satisfies Record<string, { category: ToolSecurityCategory; title: string }>;

export type ToolSecurityRuleId = keyof typeof TOOL_SECURITY_RULES;

/** One thing a person should look at in what a server told the model. */
export interface ToolSecurityHit {
  category: ToolSecurityCategory;
  ruleId: ToolSecurityRuleId;
  severity: Severity;
  serverId: string;
  serverName: string;
  /** The tool the text belongs to; absent for prompts, resources and instructions. */
  tool?: string;
  /** Where the text is: `description`, `inputSchema.properties.path.description`, `prompt:NAME.description`, `instructions`, … */
  field: string;
  /** Redacted: never holds a secret in clear. */
  message: string;
  /** The offending span with some context; invisible and control characters escaped, length-capped, redacted. */
  quote: string;
}

export interface AnalyzeOptions {
  /** Characters read per server before the rest is skipped (and reported). Default 2,000,000. */
  maxCharsPerServer?: number;
  /** Strings read per server. Default 20,000. */
  maxTextsPerServer?: number;
  /** Depth to which input/output schemas are walked. Default 32. */
  maxSchemaDepth?: number;
  /** Length from which a description is reported as too long (low); four times this is medium. Default 4,000. */
  longDescription?: number;
}
