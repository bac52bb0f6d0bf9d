import { DocumentContext } from '../config/document-context';
import { parseDocument } from '../json/parse-document';
import type { ConfigError } from '../model/config-error';
import type { FileSystemPort } from '../ports/file-system';
import { redactError } from '../secrets/detect-secrets';
import { ALL_RULES } from '../rules/all-rules';
import { EMPTY_POLICY, isCategoryKey, PolicySchema, type Policy } from './policy-schema';

export interface LoadedPolicy {
  policy: Policy;
  /** Present when a file was read. */
  file?: string;
  errors: ConfigError[];
}

/**
 * Reads a policy file (JSONC). A missing optional file is the empty policy; a missing explicit one,
 * or an invalid one, yields errors with line and column: callers must not silently assess without it.
 */
export async function loadPolicy(
  fs: FileSystemPort,
  file: string,
  required: boolean,
  ruleIds: readonly string[] = ALL_RULES.map((r) => r.id),
): Promise<LoadedPolicy> {
  const whole = (message: string, fix: string): ConfigError => ({ code: 'unreadable', file, line: 1, column: 1, jsonPath: [], field: '(file)', message, fix });
  let text: string;
  try {
    const st = await fs.stat(file);
    if (st === undefined) return required ? { policy: EMPTY_POLICY, file, errors: [whole(`Policy file ${file} does not exist.`, 'Check the path, or leave out --policy.')] } : { policy: EMPTY_POLICY, errors: [] };
    text = await fs.readFile(file);
  } catch (e) {
    return { policy: EMPTY_POLICY, file, errors: [whole(`Could not read the policy file: ${e instanceof Error ? e.message : String(e)}.`, 'Check the file permissions.')] };
  }
  const doc = parseDocument(text);
  const ctx = new DocumentContext(file, doc);
  if (doc.syntaxErrors.length > 0) {
    const first = doc.syntaxErrors[0] as (typeof doc.syntaxErrors)[number];
    const pos = doc.lines.position(first.offset);
    return { policy: EMPTY_POLICY, file, errors: [{ ...whole(`The policy file is not valid JSON: ${first.message}.`, 'Fix the syntax at this line and column.'), code: 'invalid-json', ...pos }] };
  }
  const parsed = PolicySchema.safeParse(doc.value);
  if (!parsed.success) return { policy: EMPTY_POLICY, file, errors: ctx.schemaErrors([], parsed.error, 'MCP Oversight policy').map(redactError) };
  // A misspelt rule id or category would silently do nothing: say so instead.
  const known = new Set(ruleIds);
  const names = (key: string, allowStar: boolean) => known.has(key) || isCategoryKey(key) || (allowStar && key === '*');
  const errors: ConfigError[] = [];
  const unknown = (path: (string | number)[], key: string) =>
    errors.push(ctx.error('schema', path, `"${key}" names no rule or category.`, 'Use a rule id (see `mcp-oversight rules`) or category:<category>.', 'MCP Oversight policy'));
  for (const key of Object.keys(parsed.data.severity ?? {})) if (!names(key, false)) unknown(['severity', key], key);
  (parsed.data.suppressions ?? []).forEach((s, i) => {
    if (!names(s.rule, true)) unknown(['suppressions', i, 'rule'], s.rule);
  });
  return errors.length > 0 ? { policy: EMPTY_POLICY, file, errors: errors.map(redactError) } : { policy: parsed.data, file, errors: [] };
}
