import { perServerRule } from './rule';
import { serverPackages } from './support/packages';

export const unpinnedContainerImageRule = perServerRule(
  {
    id: 'unpinned-container-image',
    category: 'unpinned-package',
    severity: 'medium',
    title: 'Container image without a digest',
    rationale:
      'A tag (and `:latest` above all) can be moved to a different image at any time; only a digest (`image@sha256:…`) names exactly what you reviewed.',
    help: 'Pin the digest: `docker run … ghcr.io/org/image@sha256:<digest>` (see `docker buildx imagetools inspect IMAGE`).',
  },
  (server, _ctx, report) => {
    for (const p of serverPackages(server)) {
      if (p.ecosystem !== 'container' || p.pinned || p.word.path === undefined) continue;
      const moving = p.moving;
      report({
        server,
        path: p.word.path,
        key: p.spec,
        severity: moving ? 'medium' : 'low',
        message: moving
          ? `Server "${server.name}" runs the image ${p.name} ${p.version === undefined ? 'without a tag (that is :latest)' : 'at :latest'}: it changes whenever the tag moves.`
          : `Server "${server.name}" runs the image ${p.spec} by tag, not digest: the tag can be repointed.`,
      });
    }
  },
);
