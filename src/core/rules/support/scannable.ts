import type { JsonPath } from '../../model/location';
import type { McpServer } from '../../model/server';

/** A string value of a server that can carry a secret, with the name it sits under (env key, header, flag). */
export interface Scannable {
  value: string;
  path: JsonPath;
  field: 'env' | 'headers' | 'args' | 'url' | 'command' | 'cwd' | 'oauth';
  /** Env variable or header name, or the flag an argument belongs to (`--api-key`). */
  name: string | undefined;
  /** Where the named value starts in `value`: after `--token=`, or after `Authorization: ` in a `--header` argument. */
  valueStart: number;
}

/** mcp-remote and curl style: `--header "Authorization: Bearer …"` / `-H "X-Api-Key: …"`. */
const HEADER_FLAGS = new Set(['--header', '-H', '--headers']);
const HEADER_ARG = /^\s*([A-Za-z0-9-]+)\s*:\s*/;

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
  if (server.command !== undefined && o.command) out.push({ value: server.command, path: o.command, field: 'command', name: undefined, valueStart: 0 });
  server.args.forEach((value, i) => {
    const path = o.args[i];
    if (path === undefined) return;
    const previous = server.args[i - 1];
    const header = previous !== undefined && HEADER_FLAGS.has(previous) ? HEADER_ARG.exec(value) : null;
    if (header) {
      out.push({ value, path, field: 'args', name: header[1], valueStart: header[0].length });
      return;
    }
    const eq = /^(--?[A-Za-z][\w-]*)=/.exec(value);
    if (eq) out.push({ value, path, field: 'args', name: eq[1], valueStart: eq[0].length });
    else out.push({ value, path, field: 'args', name: previous !== undefined && /^--?[A-Za-z][\w-]*$/.test(previous) ? previous : undefined, valueStart: 0 });
  });
  if (server.cwd !== undefined && o.cwd) out.push({ value: server.cwd, path: o.cwd, field: 'cwd', name: undefined, valueStart: 0 });
  if (server.url !== undefined && o.url) out.push({ value: server.url, path: o.url, field: 'url', name: undefined, valueStart: 0 });
  if (server.oauthClientSecret !== undefined && o.oauthClientSecret) {
    out.push({ value: server.oauthClientSecret, path: o.oauthClientSecret, field: 'oauth', name: 'clientSecret', valueStart: 0 });
  }
  for (const [k, v] of Object.entries(server.env)) {
    const path = o.env[k];
    if (path) out.push({ value: v, path, field: 'env', name: k, valueStart: 0 });
  }
  for (const [k, v] of Object.entries(server.headers)) {
    const path = o.headers[k];
    if (path) out.push({ value: v, path, field: 'headers', name: k, valueStart: 0 });
  }
  return out;
}

/** Formats whose clients substitute `${env:X}` / `{env:X}` in values, so a secret can move to the environment. */
export function supportsEnvReferences(server: McpServer): boolean {
  return server.format === 'kilocode-legacy' || server.format === 'kilo' || server.format === 'vscode' || server.format === 'cursor' || server.format === 'roo';
}
