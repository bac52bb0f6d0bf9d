import { perServerRule } from './rule';
import { serverPackages } from './support/packages';

export const unpinnedNpmPackageRule = perServerRule(
  {
    id: 'unpinned-npm-package',
    category: 'unpinned-package',
    severity: 'medium',
    title: 'npm package run without an exact version',
    rationale:
      '`npx pkg`, `npx pkg@latest` or a range fetch whatever the registry serves at start-up: a compromised or hijacked release runs on your machine the next time the client starts, without any change you could review.',
    help: 'Pin an exact version: `npx -y pkg@1.2.3` (find it with `npm view pkg version`), and update it deliberately.',
  },
  function* (server) {
    for (const p of serverPackages(server)) {
      if (p.ecosystem !== 'npm' || p.pinned || p.word.path === undefined) continue;
      const why = p.version === undefined ? 'no version' : p.version === 'latest' ? '@latest' : `the range or tag "${p.version}"`;
      yield {
        server,
        path: p.word.path,
        key: p.spec,
        severity: p.version === 'latest' || p.version === undefined ? 'medium' : 'low',
        message: `Server "${server.name}" runs ${p.name} through ${p.launcher} with ${why}: every start may fetch a different release.`,
      };
    }
  },
);
