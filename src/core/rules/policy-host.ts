import { allowedBy } from '../policy/glob';
import { perServerRule } from './rule';
import { serverUrls } from './support/urls';

export const policyHostRule = perServerRule(
  {
    id: 'policy-host',
    category: 'policy-violation',
    severity: 'high',
    title: 'Remote host not allowed by the organisation policy',
    rationale: 'Your organisation\'s MCP policy restricts which hosts remote MCP servers may be reached at.',
    help: 'Use an approved host, or ask the policy owner to allow this one (hosts.allow in the policy file).',
  },
  (server, ctx, report) => {
    if (ctx.policy.hosts === undefined) return;
    // Both a remote server's URL and a URL handed to a stdio bridge (`npx mcp-remote https://…`).
    for (const u of serverUrls(server)) {
      const verdict = allowedBy(ctx.policy.hosts, u.url.hostname);
      if (!verdict.ok) report({ server, path: u.path, key: u.url.hostname, message: `Server "${server.name}" connects to ${u.url.hostname}, which the policy does not allow: ${verdict.why}.` });
    }
  },
);
