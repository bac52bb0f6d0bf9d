import type { JsonPath, Position } from '../model/location';
import type { FormatId, McpServer, Transport } from '../model/server';
import { isRecord, stringField, stringList, stringRecord, type Raw } from './entry-fields';

/** The parts of a server entry every format has, read tolerantly from an unvalidated entry. */
export interface CommonFields {
  format: FormatId;
  sourceId: string;
  file: string;
  name: string;
  entryPath: JsonPath;
  position: Position;
  transport: Transport;
  valid: boolean;
}

export interface Extras {
  command?: { value: string; path: JsonPath };
  args?: { values: string[]; paths: JsonPath[] };
  env?: { values: Record<string, string>; paths: Record<string, JsonPath> };
  enabled?: boolean;
  timeoutMs?: number;
  autoApprove?: { list?: JsonPath; values: string[]; paths: JsonPath[] };
  disabledTools?: string[];
}

/**
 * Builds the normalised McpServer from the fields most formats spell alike (`cwd`, `url`, `headers`,
 * `envFile`, and by default `command`/`args`/`env`); a format passes `extras` for what it spells
 * differently (Kilo's `command` array, Cline's `autoApprove`, …).
 */
export function buildServer(raw: unknown, common: CommonFields, extras: Extras = {}): McpServer {
  const entry: Raw = isRecord(raw) ? raw : {};
  const base = common.entryPath;
  const command = extras.command ?? stringField(entry, 'command', base);
  const args = extras.args ?? stringList(entry['args'], [...base, 'args']);
  const env = extras.env ?? stringRecord(entry['env'], [...base, 'env']);
  const headers = stringRecord(entry['headers'], [...base, 'headers']);
  const cwd = stringField(entry, 'cwd', base);
  const url = stringField(entry, 'url', base);
  const envFile = stringField(entry, 'envFile', base);
  const autoApprove = extras.autoApprove ?? { values: [], paths: [] };
  // Built field by field, without spreads: this runs once per server and dominates reading time.
  const origins: McpServer['origins'] = { entry: base, args: args.paths, env: env.paths, headers: headers.paths, autoApprove: autoApprove.paths };
  const server: McpServer = {
    id: `${common.sourceId}#${common.name}`,
    name: common.name,
    sourceId: common.sourceId,
    file: common.file,
    format: common.format,
    scope: 'project',
    transport: common.transport,
    args: args.values,
    env: env.values,
    headers: headers.values,
    enabled: extras.enabled ?? true,
    autoApprove: autoApprove.values,
    disabledTools: extras.disabledTools ?? stringList(entry['disabledTools'], []).values,
    origins,
    position: common.position,
    valid: common.valid,
  };
  if (command) {
    server.command = command.value;
    origins.command = command.path;
  }
  if (cwd) {
    server.cwd = cwd.value;
    origins.cwd = cwd.path;
  }
  if (url) {
    server.url = url.value;
    origins.url = url.path;
  }
  if (envFile) server.envFile = envFile.value;
  const oauth = entry['oauth'];
  const clientSecret = isRecord(oauth) ? stringField(oauth, 'clientSecret', [...base, 'oauth']) : undefined;
  if (clientSecret) {
    server.oauthClientSecret = clientSecret.value;
    origins.oauthClientSecret = clientSecret.path;
  }
  if (extras.timeoutMs !== undefined) server.timeoutMs = extras.timeoutMs;
  if (autoApprove.list) origins.autoApproveList = autoApprove.list;
  return server;
}
