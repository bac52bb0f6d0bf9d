import { formatJsonPath } from '../model/location';
import { isSecretLikeName } from '../secrets/secret-names';
import { perServerRule } from './rule';
import { isLoopbackHost, serverUrls } from './support/urls';

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
  (server, _ctx, report) => {
    for (const u of serverUrls(server)) {
      if (u.url.protocol !== 'http:' || isLoopbackHost(u.url.hostname)) continue;
      // Credentials travel with the requests: in headers (the server's own, or `--header` args of a bridge).
      const hasAuth = Object.keys(server.headers).some((h) => isSecretLikeName(h)) || server.args.some((a) => /^\s*[A-Za-z0-9-]+\s*:/.test(a) && isSecretLikeName(a.split(':')[0] ?? ''));
      const via = u.field === 'args' ? ' (through a local bridge)' : '';
      report({
        server,
        path: u.path,
        key: u.raw,
        severity: hasAuth ? 'critical' : 'high',
        message: `Server "${server.name}" is reached over plain HTTP at ${u.url.host}${via}${hasAuth ? ', and its credentials travel unencrypted' : ''} (${formatJsonPath(u.path)}).`,
        remediation: {
          description: `Use https:// for ${u.url.host}`,
          edits: [{ file: server.file, jsonPath: u.path, value: u.raw.replace(/^http:\/\//i, 'https://') }],
          followUp: 'Check that the server answers on HTTPS before approving.',
        },
      });
    }
  },
);
