import { formatJsonPath } from '../model/location';
import { perServerRule } from './rule';
import { parseUrl } from './secret-in-url';

/** 127.0.0.0/8, ::1, localhost: plaintext there never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export const insecureHttpRule = perServerRule(
  {
    id: 'insecure-http',
    category: 'insecure-transport',
    severity: 'high',
    title: 'Plain HTTP to a remote MCP server',
    rationale:
      'Over http:// to another host, tool calls, their results and any Authorization header travel unencrypted and can be read or altered by anyone on the path.',
    help: 'Use https:// (the server must offer TLS). Plain HTTP is acceptable only to localhost / 127.0.0.1.',
  },
  function* (server) {
    if (server.url === undefined || server.origins.url === undefined) return;
    const url = parseUrl(server.url);
    if (!url || url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return;
    const hasAuth = Object.keys(server.headers).some((h) => /^(authorization|x-api-key|api-key|cookie)$/i.test(h));
    yield {
      server,
      path: server.origins.url,
      severity: hasAuth ? 'critical' : 'high',
      message: `Server "${server.name}" is reached over plain HTTP at ${url.host}${hasAuth ? ', and its credentials header travels unencrypted' : ''} (${formatJsonPath(server.origins.url)}).`,
      remediation: {
        description: `Use https:// for ${url.host}`,
        edits: [{ file: server.file, jsonPath: server.origins.url, value: server.url.replace(/^http:\/\//i, 'https://') }],
        followUp: 'Check that the server answers on HTTPS before approving.',
      },
    };
  },
);
