import { perServerRule } from './rule';
import { isNpmTag, serverPackages, type PackageRef } from './support/packages';

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
  (server, _ctx, report) => {
    for (const p of serverPackages(server)) {
      if (p.ecosystem !== 'npm' || p.pinned || p.word.path === undefined) continue;
      report({
        server,
        path: p.word.path,
        key: p.spec,
        // A dist-tag is repointed by whoever publishes, as `latest` is; a range at least bounds the releases.
        severity: p.moving ? 'medium' : 'low',
        message: `Server "${server.name}" runs ${p.name} through ${p.launcher} with ${why(p)}: every start may fetch a different release.`,
      });
    }
  },
);

function why(p: PackageRef): string {
  if (p.vcs !== undefined) return p.vcs.ref === undefined ? 'no commit (it comes from a URL or git, not the registry)' : 'a URL or git reference instead of a version (only a full commit hash names one)';
  const v = p.version;
  if (v === undefined) return 'no version';
  if (v === 'latest') return '@latest';
  if (v.trim() === '' || v === '*' || v === 'x' || v === 'X') return `the range "${v}", which is any release`;
  if (!p.moving) return `the range "${v}"`;
  // Only a tag-shaped version is quoted: a URL or alias after `@` could carry credentials.
  return isNpmTag(v) ? `the dist-tag "@${v}", which the publisher can move to any release` : 'a URL or git reference instead of a version';
}
