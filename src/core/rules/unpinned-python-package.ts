import { perServerRule } from './rule';
import { serverPackages, type PackageRef } from './support/packages';

export const unpinnedPythonPackageRule = perServerRule(
  {
    id: 'unpinned-python-package',
    category: 'unpinned-package',
    severity: 'medium',
    title: 'Python package run without an exact version',
    rationale:
      '`uvx pkg` and `pipx run pkg` resolve the newest release from PyPI at start-up: a malicious release runs with your permissions the next time the client starts.',
    help: 'Pin the version: `uvx pkg==1.2.3` (or `uvx --from pkg==1.2.3 cmd`, `pipx run --spec pkg==1.2.3 cmd`).',
  },
  (server, _ctx, report) => {
    for (const p of serverPackages(server)) {
      if (p.ecosystem !== 'python' || p.pinned || p.word.path === undefined) continue;
      report({ server, path: p.word.path, key: p.spec, message: `Server "${server.name}" runs ${p.name} through ${p.launcher} ${why(p)}.` });
    }
  },
);

function why(p: PackageRef): string {
  if (p.vcs !== undefined) {
    const from = p.vcs.url === p.name ? '' : `from ${p.vcs.url} `;
    return p.vcs.ref === undefined
      ? `${from}with no commit: every start installs whatever the default branch holds`
      : `${from}at "${p.vcs.ref}", a branch or tag that can be moved: only a full commit hash (@<40 hex>) names one version`;
  }
  const version = p.version === undefined ? 'no version' : `"${p.spec}", which is not one exact version`;
  return `with ${version}: every start may fetch a different release`;
}
