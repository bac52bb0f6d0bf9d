import { parseDocument } from '../json/parse-document';
import { redactError } from '../secrets/detect-secrets';
import type { SpanNode } from '../json/span';
import type { ConfigError } from '../model/config-error';
import type { McpServer } from '../model/server';
import type { ConfigSource } from '../model/source';
import type { FileSystemPort } from '../ports/file-system';
import type { Candidate } from './discovery';
import { DocumentContext } from './document-context';
import { CLIENTS } from './clients';
import { READERS } from './readers';

/** 8 MiB: far above any real MCP config, low enough that a hostile file cannot exhaust memory. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface SourceRead {
  source: ConfigSource;
  servers: McpServer[];
  /** The text as read, for later edits (remediations) and diagnostics. */
  text?: string;
  /** Positions of every value in the file. */
  root?: SpanNode;
}

/** Reads one candidate file into a source and its servers. Never throws: problems become ConfigErrors. */
export async function readSource(fs: FileSystemPort, c: Candidate, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<SourceRead> {
  const id = `${c.format}:${c.displayPath}`;
  const base: ConfigSource = {
    id,
    file: c.file,
    displayPath: c.displayPath,
    format: c.format,
    scope: c.scope,
    exists: false,
    readBy: c.readBy,
    strictJson: true,
    serverCount: 0,
    errors: [],
  };
  const wholeFile = (code: ConfigError['code'], message: string, fix: string): ConfigError => ({
    code,
    file: c.file,
    line: 1,
    column: 1,
    jsonPath: [],
    field: '(file)',
    message,
    fix,
  });
  let text: string;
  try {
    const st = await fs.stat(c.file);
    if (st === undefined) return { source: base, servers: [] };
    if (!st.isFile) {
      return { source: { ...base, exists: true, errors: [wholeFile('unreadable', `${c.displayPath} is not a regular file.`, 'Replace it with a JSON file, or remove it.')] }, servers: [] };
    }
    if (st.size > maxBytes) {
      const mib = (st.size / 1024 / 1024).toFixed(1);
      return {
        source: { ...base, exists: true, errors: [wholeFile('too-large', `${c.displayPath} is ${mib} MiB, more than the ${maxBytes / 1024 / 1024} MiB an MCP config can reasonably be; it was not read.`, 'Check that this is really an MCP config; trim it, or raise the limit (--max-file-size).')] },
        servers: [],
      };
    }
    text = await fs.readFile(c.file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : e instanceof Error ? e.message : String(e);
    return { source: { ...base, exists: true, errors: [wholeFile('unreadable', `Could not read ${c.displayPath}: ${why}.`, 'Check the file permissions, then assess again.')] }, servers: [] };
  }

  const reader = READERS[c.format];
  const doc = parseDocument(text);
  const ctx = new DocumentContext(c.file, doc);
  const errors: ConfigError[] = [];
  const at = (offset: number) => doc.lines.position(offset);
  for (const e of doc.syntaxErrors.slice(0, 10)) {
    errors.push({
      code: 'invalid-json',
      file: c.file,
      ...at(e.offset),
      jsonPath: [],
      field: '(file)',
      message: `${c.displayPath} is not valid JSON: ${e.message}.`,
      fix: `Fix the syntax at this line and column; ${reader.clientLabel} cannot load any server from this file until then.`,
      client: reader.clientLabel,
    });
  }
  // The clients that read this file with JSON.parse (e.g. legacy KiloCode reading its `.cursor/mcp.json` fallback).
  const strictReaders = c.readBy.length > 0 ? c.readBy.map((r) => CLIENTS[r.client]).filter((x) => x.strictJson) : reader.strictJson ? [{ label: reader.clientLabel }] : [];
  for (const strictClient of doc.syntaxErrors.length === 0 && !doc.strictJson ? strictReaders : []) {
    const what = doc.bom
      ? { span: { offset: 0, length: 1 }, name: 'the byte-order mark at the start of the file' }
      : doc.firstComment
        ? { span: doc.firstComment, name: 'a comment' }
        : doc.firstTrailingComma
          ? { span: doc.firstTrailingComma, name: 'a trailing comma' }
          : undefined;
    errors.push({
      code: 'rejected-by-client',
      file: c.file,
      ...at(what?.span.offset ?? 0),
      jsonPath: [],
      field: '(file)',
      message: `${strictClient.label} reads ${c.displayPath} with a strict JSON parser: ${what?.name ?? 'non-JSON syntax'} here makes it reject the whole file, so none of its servers load.`,
      fix: doc.bom
        ? 'Save the file as UTF-8 without a byte-order mark.'
        : 'Remove comments and trailing commas from this file (JSONC is fine in kilo.jsonc and .vscode/mcp.json).',
      client: strictClient.label,
    });
  }
  // Bounded, like syntax errors: a hostile file must not turn into a million-line report.
  for (const d of doc.duplicateKeys.slice(0, 10)) {
    errors.push({
      code: 'schema',
      file: c.file,
      ...at(d.offset),
      jsonPath: [],
      field: text.slice(d.offset, d.offset + d.length),
      message: `The key ${text.slice(d.offset, d.offset + Math.min(d.length, 80))} appears twice in one object: the earlier entry is silently ignored.`,
      fix: 'Rename or remove one of the two entries.',
      client: reader.clientLabel,
    });
  }
  if (doc.value !== undefined && doc.root === undefined) {
    // The clients load such a file (JSON.parse has no depth limit), so its servers are still
    // assessed; only their positions are lost. Hiding them would be an evasion.
    errors.push(wholeFile('too-deep', `${c.displayPath} nests values too deeply to locate them: findings in it point at the start of the file.`, 'An MCP config is a few levels deep: check why this one is not, and remove the deep value.'));
  }
  let result: ReturnType<typeof reader.read>;
  try {
    result = reader.read(ctx, id);
  } catch (e) {
    // Readers do not throw on bad input; this is the last line of defence (e.g. a stack exhausted by nesting).
    const why = e instanceof RangeError ? 'it nests values too deeply' : e instanceof Error ? e.message : String(e);
    errors.push(wholeFile('too-deep', `${c.displayPath} could not be assessed: ${why}.`, 'Check that this file is an MCP config.'));
    return { source: { ...base, exists: true, strictJson: doc.strictJson, errors: errors.map(redactError) }, servers: [], text };
  }
  errors.push(...result.errors);
  for (const s of result.servers) s.scope = c.scope;
  return {
    source: { ...base, exists: true, strictJson: doc.strictJson, serverCount: result.servers.length, errors: errors.map(redactError) },
    servers: result.servers,
    text,
    ...(doc.root ? { root: doc.root } : {}),
  };
}
