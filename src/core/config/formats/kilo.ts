import { z } from 'zod';
import type { ConfigError } from '../../model/config-error';
import type { JsonPath } from '../../model/location';
import type { McpServer } from '../../model/server';
import { nodeAt } from '../../json/span';
import { buildServer } from '../build-server';
import { positionOf, type DocumentContext } from '../document-context';
import { isRecord, numberField, stringList, stringRecord } from '../entry-fields';
import type { FormatReader, ReadResult } from '../format-reader';

const CLIENT = 'KiloCode (Kilo CLI)';
const stringMap = z.record(z.string(), z.string({ error: 'must be a string' }));

export const KiloLocalSchema = z.looseObject({
  type: z.literal('local'),
  command: z.array(z.string(), { error: '"command" is an array: the program and its arguments' }).min(1, { error: '"command" must name a program' }),
  environment: stringMap.optional(),
  env: stringMap.optional(),
  enabled: z.boolean().optional(),
  timeout: z.number().int().positive({ error: 'timeout is in milliseconds, a positive whole number' }).optional(),
});

export const KiloRemoteSchema = z.looseObject({
  type: z.literal('remote'),
  url: z.url({ error: '"url" must be an absolute URL' }),
  headers: stringMap.optional(),
  enabled: z.boolean().optional(),
  oauth: z.union([z.looseObject({}), z.literal(false)]).optional(),
  timeout: z.number().int().positive({ error: 'timeout is in milliseconds, a positive whole number' }).optional(),
});

export const KiloEntrySchema = z.discriminatedUnion('type', [KiloLocalSchema, KiloRemoteSchema], {
  error: '"type" must be "local" (a command to run) or "remote" (a URL)',
});

export const KiloPermissionSchema = z.record(z.string(), z.unknown());

/**
 * The tool pattern a `permission` key grants for `server`, or undefined if it cannot apply.
 * Keys are `{server}_{tool}` globs (only `*` is special): `github_*`, `git*` and `*` reach every tool
 * of `github`; `*_delete*` reaches some, and is returned as written.
 */
export function toolPatternFor(key: string, server: string): string | undefined {
  const prefix = `${server}_`;
  if (key.startsWith(prefix)) return key.slice(prefix.length);
  const star = key.indexOf('*');
  if (star === -1 || !prefix.startsWith(key.slice(0, star))) return undefined;
  return star === key.length - 1 ? '*' : key;
}

/** `kilo.json(c)`, `.kilo/kilo.json(c)` and the global `~/.config/kilo/kilo.json(c)` of KiloCode 7.x. */
export const kiloReader: FormatReader = {
  format: 'kilo',
  clientLabel: CLIENT,
  strictJson: false,
  read(ctx: DocumentContext, sourceId: string): ReadResult {
    const errors: ConfigError[] = [];
    const servers: McpServer[] = [];
    const root = ctx.doc.value;
    if (!isRecord(root)) {
      if (root !== undefined) errors.push(ctx.error('schema', [], 'The file must hold a JSON object.', 'Write { "mcp": { "name": { "type": "local", "command": ["…"] } } }.', CLIENT));
      return { servers, errors };
    }
    const permission = root['permission'];
    const allowed: { key: string; path: JsonPath }[] = [];
    if (permission !== undefined) {
      const parsed = KiloPermissionSchema.safeParse(permission);
      if (!parsed.success) errors.push(...ctx.schemaErrors(['permission'], parsed.error, CLIENT));
      else for (const [key, v] of Object.entries(parsed.data)) if (v === 'allow') allowed.push({ key, path: ['permission', key] });
    }
    const map = root['mcp'];
    if (map === undefined) return { servers, errors };
    if (!isRecord(map)) {
      errors.push(ctx.error('schema', ['mcp'], '"mcp" must be an object mapping server names to definitions.', 'Write "mcp": { "name": { "type": "local", "command": ["…"] } }.', CLIENT));
      return { servers, errors };
    }
    for (const [name, raw] of Object.entries(map)) {
      const entryPath = ['mcp', name];
      if (!isRecord(raw)) {
        errors.push(ctx.error('schema', entryPath, `Server "${name}" must be an object.`, `Give "${name}" a definition such as { "type": "local", "command": ["npx", "-y", "pkg@1.2.3"] }.`, CLIENT));
        continue;
      }
      const parsed = KiloEntrySchema.safeParse(raw);
      if (!parsed.success) errors.push(...ctx.schemaErrors(entryPath, parsed.error, CLIENT));
      const isRemote = raw['type'] === 'remote' || (raw['type'] === undefined && raw['url'] !== undefined);
      const cmd = stringList(raw['command'], [...entryPath, 'command']);
      // `env` is an alias of `environment`; with both present, both are in the file, so both are assessed.
      const fromEnv = stringRecord(raw['env'], [...entryPath, 'env']);
      const fromEnvironment = stringRecord(raw['environment'], [...entryPath, 'environment']);
      const env = { values: { ...fromEnv.values, ...fromEnvironment.values }, paths: { ...fromEnv.paths, ...fromEnvironment.paths } };
      const grants = allowed.flatMap(({ key, path }) => {
        const tool = toolPatternFor(key, name);
        return tool === undefined ? [] : [{ tool, path }];
      });
      const timeout = numberField(raw, 'timeout');
      servers.push(
        buildServer(
          raw,
          {
            format: 'kilo',
            sourceId,
            file: ctx.file,
            name,
            entryPath,
            position: positionOf(nodeAt(ctx.doc.root, entryPath)),
            transport: isRemote ? 'streamable-http' : 'stdio',
            valid: parsed.success,
          },
          {
            ...(Array.isArray(raw['command']) && typeof raw['command'][0] === 'string'
              ? { command: { value: raw['command'][0], path: [...entryPath, 'command', 0] } }
              : {}),
            args: { values: cmd.values.slice(1), paths: cmd.paths.slice(1) },
            env,
            enabled: raw['enabled'] !== false,
            ...(timeout === undefined ? {} : { timeoutMs: timeout }),
            autoApprove: { list: ['permission'], values: grants.map((g) => g.tool), paths: grants.map((g) => g.path) },
            disabledTools: [],
          },
        ),
      );
    }
    return { servers, errors };
  },
};
