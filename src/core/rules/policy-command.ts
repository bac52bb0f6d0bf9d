import { allowedBy } from '../policy/glob';
import { maskScriptSecrets } from './support/script-secrets';
import { perServerRule } from './rule';
import { argv, programName, unwrap } from './support/command-line';

export const policyCommandRule = perServerRule(
  {
    id: 'policy-command',
    category: 'policy-violation',
    severity: 'high',
    title: 'Command not allowed by the organisation policy',
    rationale: 'Your organisation\'s MCP policy restricts which programs may start MCP servers.',
    help: 'Use an allowed launcher, or ask the policy owner to allow this one (commands.allow in the policy file).',
  },
  (server, ctx, report) => {
    const list = ctx.policy.commands;
    const first = argv(server)[0];
    if (list === undefined || first === undefined || first.path === undefined) return;
    // Both the written command and the program it wraps (`cmd /c npx`) must be allowed.
    const words = [first, ...unwrap(argv(server)).slice(0, 1)];
    const seen = new Set<string>();
    for (const word of words) {
      const prog = programName(word.value);
      if (seen.has(prog)) continue;
      seen.add(prog);
      const verdict = allowedBy(list, prog);
      // Quote the word as written (masked): `programName` lower-cases, which would hide a token's shape from redaction.
      const shown = maskScriptSecrets(word.value.split(/[\\/]/).pop() ?? word.value);
      if (!verdict.ok) report({ server, path: first.path, key: prog, message: `Server "${server.name}" runs ${shown}, which the policy does not allow: ${verdict.why}.` });
    }
  },
);
