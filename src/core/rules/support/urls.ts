import type { JsonPath } from '../../model/location';
import type { McpServer } from '../../model/server';

/** Parses an absolute URL without throwing; references (`${env:X}`) are fine inside it. */
export function parseUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped), localhost: plaintext there never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:(127\.|7f)/.test(h);
}

export interface ServerUrl {
  url: URL;
  raw: string;
  path: JsonPath;
  /** `url` for a remote server's own URL; `args` for a URL handed to a stdio bridge such as `mcp-remote`. */
  field: 'url' | 'args';
}

/** The URLs a server connects to: its `url`, and http(s) URLs in its arguments (`npx mcp-remote https://…`). */
export function serverUrls(server: McpServer): ServerUrl[] {
  const out: ServerUrl[] = [];
  if (server.url !== undefined && server.origins.url) {
    const url = parseUrl(server.url);
    if (url) out.push({ url, raw: server.url, path: server.origins.url, field: 'url' });
  }
  server.args.forEach((raw, i) => {
    const path = server.origins.args[i];
    if (path === undefined || !/^https?:\/\//i.test(raw)) return;
    const url = parseUrl(raw);
    if (url) out.push({ url, raw, path, field: 'args' });
  });
  return out;
}
