import { allowedBy } from '../policy/glob';
import { perServerRule } from './rule';
import { serverPackages } from './support/packages';

export const policyPackageRule = perServerRule(
  {
    id: 'policy-package',
    category: 'policy-violation',
    severity: 'high',
    title: 'Package not allowed by the organisation policy',
    rationale: 'Your organisation\'s MCP policy restricts which npm, Python and container packages may run as MCP servers.',
    help: 'Use an approved package, or ask the policy owner to allow this one (packages.allow in the policy file).',
  },
  (server, ctx, report) => {
    if (ctx.policy.packages === undefined) return;
    for (const p of serverPackages(server)) {
      if (p.word.path === undefined) continue;
      const verdict = allowedBy(ctx.policy.packages, p.name);
      if (!verdict.ok) report({ server, path: p.word.path, key: p.name, message: `Server "${server.name}" runs the package ${p.name}, which the policy does not allow: ${verdict.why}.` });
    }
  },
);
