import { allowedBy } from '../policy/glob';
import { perServerRule } from './rule';
import { parseUrl } from './secret-in-url';

export const policyHostRule = perServerRule(
  {
    id: 'policy-host',
    category: 'policy-violation',
    severity: 'high',
    title: 'Remote host not allowed by the organisation policy',
    rationale: 'Your organisation\'s MCP policy restricts which hosts remote MCP servers may be reached at.',
    help: 'Use an approved host, or ask the policy owner to allow this one (hosts.allow in the policy file).',
  },
  function* (server, ctx) {
    if (ctx.policy.hosts === undefined || server.url === undefined || server.origins.url === undefined) return;
    const url = parseUrl(server.url);
    if (!url) return;
    const verdict = allowedBy(ctx.policy.hosts, url.hostname);
    if (!verdict.ok) yield { server, path: server.origins.url, message: `Server "${server.name}" connects to ${url.hostname}, which the policy does not allow: ${verdict.why}.` };
  },
);
