import { z } from 'zod';
import type { ConfigError } from '../../model/config-error';
import type { FormatId, McpServer, Transport } from '../../model/server';
import { nodeAt } from '../../json/span';
import { buildServer } from '../build-server';
import { positionOf, type DocumentContext } from '../document-context';
import { isRecord, numberField, stringList } from '../entry-fields';
import type { FormatReader, ReadResult } from '../format-reader';

/** What distinguishes one `{ "mcpServers": { … } }` format from another. */
export interface McpServersFamilyOptions {
  format: FormatId;
  clientLabel: string;
  strictJson: boolean;
  /** The key holding the server map (`mcpServers` for all of this family, `servers` for VS Code). */
  container: string;
  /** Decides which entry schema applies and which transport the client would use. */
  classify(entry: Record<string, unknown>): { kind: 'stdio' | 'remote'; transport: Transport };
  stdioSchema: z.ZodType;
  remoteSchema: z.ZodType;
  /** Top-level fields besides the server map (e.g. VS Code `inputs`), validated as a whole. */
  documentSchema?: z.ZodType;
  /** Key of the auto-approved tool list, if the format has one. */
  autoApproveKey?: 'alwaysAllow' | 'autoApprove';
  /** Unit of `timeout`, if the format has one. */
  timeoutUnit?: 'seconds';
}

/** A reader for the family of formats that keep servers in one object map (KiloCode legacy, Roo, Cline, Cursor, Claude Desktop, VS Code). */
export function mcpServersFamilyReader(opts: McpServersFamilyOptions): FormatReader {
  return {
    format: opts.format,
    clientLabel: opts.clientLabel,
    strictJson: opts.strictJson,
    read(ctx: DocumentContext, sourceId: string): ReadResult {
      const errors: ConfigError[] = [];
      const servers: McpServer[] = [];
      const root = ctx.doc.value;
      if (!isRecord(root)) {
        if (root !== undefined) {
          errors.push(ctx.error('schema', [], 'The file must hold a JSON object.', `Wrap the servers as { "${opts.container}": { … } }.`, opts.clientLabel));
        }
        return { servers, errors };
      }
      if (opts.documentSchema) {
        const doc = opts.documentSchema.safeParse(root);
        if (!doc.success) errors.push(...ctx.schemaErrors([], doc.error, opts.clientLabel));
      }
      const map = root[opts.container];
      if (map === undefined) return { servers, errors };
      if (!isRecord(map)) {
        errors.push(
          ctx.error('schema', [opts.container], `"${opts.container}" must be an object mapping server names to server definitions.`, `Write "${opts.container}": { "name": { "command": "…" } }.`, opts.clientLabel),
        );
        return { servers, errors };
      }
      for (const [name, raw] of Object.entries(map)) {
        const entryPath = [opts.container, name];
        if (!isRecord(raw)) {
          errors.push(ctx.error('schema', entryPath, `Server "${name}" must be an object.`, `Give "${name}" a definition such as { "command": "npx", "args": ["-y", "pkg@1.2.3"] }.`, opts.clientLabel));
          continue;
        }
        const { kind, transport } = opts.classify(raw);
        const parsed = (kind === 'stdio' ? opts.stdioSchema : opts.remoteSchema).safeParse(raw);
        if (!parsed.success) errors.push(...ctx.schemaErrors(entryPath, parsed.error, opts.clientLabel));
        const timeout = numberField(raw, 'timeout');
        const approveKey = opts.autoApproveKey;
        const approved = approveKey ? stringList(raw[approveKey], [...entryPath, approveKey]) : undefined;
        servers.push(
          buildServer(
            raw,
            {
              format: opts.format,
              sourceId,
              file: ctx.file,
              name,
              entryPath,
              position: positionOf(nodeAt(ctx.doc.root, entryPath)),
              transport,
              valid: parsed.success,
            },
            {
              enabled: raw['disabled'] !== true,
              ...(timeout === undefined ? {} : { timeoutMs: opts.timeoutUnit === 'seconds' ? timeout * 1000 : timeout }),
              ...(approved && approveKey ? { autoApprove: { list: [...entryPath, approveKey], ...approved } } : {}),
            },
          ),
        );
      }
      return { servers, errors };
    },
  };
}

/** Schema pieces shared by the formats of this family. */
export const stringMap = z.record(z.string(), z.string({ error: 'must be a string (quote numbers and booleans)' }));
export const noField = (why: string) => z.undefined({ error: why }).optional();
