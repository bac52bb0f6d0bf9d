import type { Category } from '../model/category';
import type { ConfigModel } from '../model/config-model';
import type { Remediation } from '../model/finding';
import type { JsonPath } from '../model/location';
import type { McpServer } from '../model/server';
import type { Severity } from '../model/severity';
import type { Policy } from '../policy/policy-schema';

/** What a rule says about itself: shown in help, SARIF rule metadata and docs/RULES.md. */
export interface RuleMeta {
  /** Stable, kebab-case, never reused: CI baselines and suppressions refer to it. */
  readonly id: string;
  readonly category: Category;
  readonly severity: Severity;
  /** One line, what is wrong: "Plaintext secret in an MCP config". */
  readonly title: string;
  /** Why it matters. */
  readonly rationale: string;
  /** What to do about it. */
  readonly help: string;
}

/** One thing a rule found. The engine turns it into a located, fingerprinted, policy-adjusted Finding. */
export interface RuleHit {
  /** Absent for findings about a whole file (then `file` is required). */
  readonly server?: McpServer;
  readonly file?: string;
  /** Where in the file; the nearest existing ancestor is used if the value itself is missing. */
  readonly path: JsonPath;
  /** For file-level hits without a server: the exact line/column (1-based) when known. */
  readonly at?: { readonly line: number; readonly column: number };
  /** Must never contain a secret in clear: use `maskSecret`. */
  readonly message: string;
  /** Overrides the rule's default severity for this hit (e.g. a pipe to a shell is worse than a wrapper). */
  readonly severity?: Severity;
  readonly remediation?: Remediation;
  /** Distinguishes two hits of one rule at one path (e.g. two secrets in one string). */
  readonly key?: string;
}

export interface RuleContext {
  readonly model: ConfigModel;
  readonly policy: Policy;
  /** The text of every file read, by path: for rules that look beyond the modelled fields. */
  readonly texts?: ReadonlyMap<string, string>;
}

/** How a rule hands over what it found (ESLint-style): cheaper than generators on the hot path. */
export type Report = (hit: RuleHit) => void;

export interface Rule extends RuleMeta {
  check(ctx: RuleContext, report: Report): void;
}

/** For the common case: a rule that looks at one server at a time. */
export function perServerRule(meta: RuleMeta, check: (server: McpServer, ctx: RuleContext, report: Report) => void): Rule {
  return {
    ...meta,
    check(ctx: RuleContext, report: Report) {
      for (const server of ctx.model.servers) {
        try {
          check(server, ctx, report);
        } catch (e) {
          // A rule that trips over one hostile entry must not silence itself for the others, nor
          // the other rules: say that this server could not be checked, and go on.
          report({ server, path: server.origins.entry, key: 'rule-failure', severity: 'medium', message: ruleFailure(meta.id, server.name, e) });
        }
      }
    },
  };
}

export function ruleFailure(ruleId: string, server: string | undefined, e: unknown): string {
  const why = e instanceof RangeError ? 'the entry nests too deeply' : e instanceof Error ? e.message : String(e);
  return `Rule ${ruleId} could not check ${server === undefined ? 'this configuration' : `server "${server}"`} (${why}); assess it by hand.`;
}
