import { DocumentContext } from '../config/document-context';
import { parseDocument } from '../json/parse-document';
import type { ConfigError } from '../model/config-error';
import type { FileSystemPort } from '../ports/file-system';
import { EMPTY_POLICY, PolicySchema, type Policy } from './policy-schema';

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
export async function loadPolicy(fs: FileSystemPort, file: string, required: boolean): Promise<LoadedPolicy> {
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
  if (!parsed.success) return { policy: EMPTY_POLICY, file, errors: ctx.schemaErrors([], parsed.error, 'MCP Oversight policy') };
  return { policy: parsed.data, file, errors: [] };
}
