import type { JsonPath } from '../../model/location';
import type { McpServer } from '../../model/server';

/** A string value of a server that can carry a secret, with the name it sits under (env key, header, flag). */
export interface Scannable {
  value: string;
  path: JsonPath;
  /** `env`, `headers`, `args`, `url`, `command`, `cwd`. */
  field: 'env' | 'headers' | 'args' | 'url' | 'command' | 'cwd';
  /** Env variable or header name, or the flag an argument belongs to (`--api-key`). */
  name: string | undefined;
}

const memo = new WeakMap<McpServer, readonly Scannable[]>();

/** Every string of the server where a secret may be written (computed once per server; several rules ask). */
export function scannableStrings(server: McpServer): readonly Scannable[] {
  let out = memo.get(server);
  if (out === undefined) memo.set(server, (out = collect(server)));
  return out;
}

function collect(server: McpServer): Scannable[] {
  const out: Scannable[] = [];
  const o = server.origins;
  if (server.command !== undefined && o.command) out.push({ value: server.command, path: o.command, field: 'command', name: undefined });
  server.args.forEach((value, i) => {
    const path = o.args[i];
    if (path === undefined) return;
    const eq = /^(--?[A-Za-z][\w-]*)=(.*)$/s.exec(value);
    const previous = server.args[i - 1];
    const name = eq ? eq[1] : previous !== undefined && /^--?[A-Za-z][\w-]*$/.test(previous) ? previous : undefined;
    out.push({ value, path, field: 'args', name });
  });
  if (server.cwd !== undefined && o.cwd) out.push({ value: server.cwd, path: o.cwd, field: 'cwd', name: undefined });
  if (server.url !== undefined && o.url) out.push({ value: server.url, path: o.url, field: 'url', name: undefined });
  for (const [k, v] of Object.entries(server.env)) {
    const path = o.env[k];
    if (path) out.push({ value: v, path, field: 'env', name: k });
  }
  for (const [k, v] of Object.entries(server.headers)) {
    const path = o.headers[k];
    if (path) out.push({ value: v, path, field: 'headers', name: k });
  }
  return out;
}

/** Formats whose clients substitute `${env:X}` / `{env:X}` in values, so a secret can move to the environment. */
export function supportsEnvReferences(server: McpServer): boolean {
  return server.format === 'kilocode-legacy' || server.format === 'kilo' || server.format === 'vscode' || server.format === 'cursor' || server.format === 'roo';
}
