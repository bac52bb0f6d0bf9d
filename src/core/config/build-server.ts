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
  return {
    id: `${common.sourceId}#${common.name}`,
    name: common.name,
    sourceId: common.sourceId,
    file: common.file,
    format: common.format,
    transport: common.transport,
    ...(command ? { command: command.value } : {}),
    args: args.values,
    ...(cwd ? { cwd: cwd.value } : {}),
    env: env.values,
    ...(envFile ? { envFile: envFile.value } : {}),
    ...(url ? { url: url.value } : {}),
    headers: headers.values,
    enabled: extras.enabled ?? true,
    ...(extras.timeoutMs === undefined ? {} : { timeoutMs: extras.timeoutMs }),
    autoApprove: autoApprove.values,
    disabledTools: extras.disabledTools ?? stringList(entry['disabledTools'], []).values,
    origins: {
      entry: base,
      ...(command ? { command: command.path } : {}),
      args: args.paths,
      ...(cwd ? { cwd: cwd.path } : {}),
      ...(url ? { url: url.path } : {}),
      env: env.paths,
      headers: headers.paths,
      ...(autoApprove.list ? { autoApproveList: autoApprove.list } : {}),
      autoApprove: autoApprove.paths,
    },
    position: common.position,
    valid: common.valid,
  };
}
