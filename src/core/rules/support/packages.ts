import type { McpServer } from '../../model/server';
import { programName, programWords, unwrap, type Word } from './command-line';
import { parseDockerRun } from './docker-run';

export type Ecosystem = 'npm' | 'python' | 'container';

/** A package a launcher will fetch and run, as written (`@scope/pkg@1.2.3`, `mcp-server-fetch==0.6.2`, `ghcr.io/x/y:1`). */
export interface PackageRef {
  ecosystem: Ecosystem;
  launcher: string;
  spec: string;
  name: string;
  version: string | undefined;
  /** Exactly one version (npm/python), a digest (container) or a full commit hash (VCS). */
  pinned: boolean;
  /**
   * The version names a label its owner moves at will rather than a set of releases: none at all,
   * `latest`, an npm dist-tag (`next`, `beta`…), a git branch or tag. Worse than a range.
   */
  moving: boolean;
  /** Set when the package comes from a version-control URL (`git+https://…@ref`) instead of a registry. */
  vcs?: VcsSource;
  word: Word;
}

export interface VcsSource {
  /** The repository URL without the ref and without any credentials in it (safe to print). */
  url: string;
  /** What follows `@` in the URL (a branch, tag or commit), if anything. */
  ref: string | undefined;
}

const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** One comparator of an npm range: `^1.2.0`, `~1.2`, `1.x`, `>=1`, `*` (a prerelease only after a full version, as in node-semver). */
const SEMVER_COMPARATOR = /^(?:[<>]=?|=|~>?|\^)?v?(?:\d+|[xX*])(?:\.(?:\d+|[xX*])(?:\.(?:\d+|[xX*])(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)?)?$/;
const RANGE_OPERATOR_SPACE = /([<>]=?|=|~>?|\^)\s+/g;
const RANGE_SEPARATOR = /\|\||\s+/;
const WILDCARD_RANGE = /^(?:[*xX]|)$/;
/** What an npm dist-tag may look like; anything else after `@` is a URL, git or alias reference. */
const NPM_TAG = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** Flags that take a value, per launcher, so the value is not mistaken for the package. */
const NPX_VALUE_FLAGS: ReadonlySet<string> = new Set(['-p', '--package', '--registry', '--cache', '--userconfig', '-c', '--call', '--node-options', '--prefix']);
const UVX_VALUE_FLAGS: ReadonlySet<string> = new Set([
  '--from', '--spec', '--with', '--with-editable', '--with-requirements', '--python', '-p', '--index', '--index-url', '--extra-index-url',
  '--default-index', '--find-links', '-f', '--directory', '--project', '--constraint', '--constraints', '-c', '--override', '--overrides',
  '--build-constraint', '--build-constraints', '--python-platform', '--cache-dir', '--config-file', '--color', '--index-strategy',
  '--keyring-provider', '--resolution', '--prerelease', '--exclude-newer', '--refresh-package', '--reinstall-package', '--upgrade-package',
  '--env-file', '--link-mode', '--pip-args', '--python-preference',
]);

const LOCAL_PATH = /^(\.{0,2}\/|~\/|\.{1,2}$|[A-Za-z]:[\\/]|\\\\|file:)/;
/** npm specs that fetch from somewhere other than the registry: git, hosted-git shorthands, tarball URLs. */
const NPM_REMOTE = /^(git\+[a-z]+:|git:|github:|gitlab:|bitbucket:|gist:|https?:)/i;
const PYTHON_LOCAL_PATH = /^(\.{0,2}[\\/]|~[\\/]|\.{1,2}$|[A-Za-z]:[\\/]|\\\\|file:)|\.(whl|tar\.gz|zip)$/i;
/** `git+https://…`, `hg+ssh://…`: pip/uv version-control URLs. */
const VCS_URL = /^(?:git|hg|svn|bzr)\+[A-Za-z]+:\/\//;
/** PEP 508 direct reference: `name[extra] @ url`. */
const DIRECT_REFERENCE = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*@\s*(\S+:\/\/\S*)$/;
const URL_CREDENTIALS = /^([A-Za-z0-9+.-]+:\/\/)[^/@]*@/;
const COMMIT_HASH = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;
/** `===` before `==` (and `>=`/`<=` before `>`/`<`): the alternation takes the first that matches. */
const PYTHON_SPEC = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(===|==|~=|!=|>=|<=|>|<|@)?\s*(.*)$/;
const PYTHON_EXACT_VERSION = /^[0-9][0-9A-Za-z.+!-]*$/;
/** PEP 440 arbitrary equality compares strings: any single token is one exact version. */
const PYTHON_ARBITRARY_VERSION = /^[^\s,;*]+$/;

function isLocalPath(spec: string): boolean {
  return LOCAL_PATH.test(spec) || (spec.endsWith('.tgz') && !NPM_REMOTE.test(spec));
}

/** First non-flag word after `start`, skipping the values of flags in `valueFlags`. Returns its index. */
function firstOperand(words: readonly Word[], start: number, valueFlags: ReadonlySet<string>): number {
  for (let k = start; k < words.length; k++) {
    const v = (words[k] as Word).value;
    if (v === '--') return k + 1 < words.length ? k + 1 : -1;
    if (v.startsWith('-')) {
      if (!v.includes('=') && valueFlags.has(v)) k++;
      continue;
    }
    return k;
  }
  return -1;
}

/** True for an npm range (`^1.2.0`, `~1.2`, `1.x`, `>=1 <2`, `1 - 2`, `1 || 2`). */
function isSemverRange(version: string): boolean {
  const parts = version.replace(RANGE_OPERATOR_SPACE, '$1').split(RANGE_SEPARATOR);
  let any = false;
  for (const p of parts) {
    if (p === '' || p === '-') continue;
    if (!SEMVER_COMPARATOR.test(p)) return false;
    any = true;
  }
  return any;
}

function npmRef(launcher: string, word: Word, spec = word.value): PackageRef | undefined {
  if (isLocalPath(spec)) return undefined;
  if (NPM_REMOTE.test(spec)) {
    // Not from the registry: only a git URL at a full commit (`#<40 hex>`) names one version.
    const [where = '', ref] = spec.split('#', 2);
    const url = where.replace(URL_CREDENTIALS, '$1');
    const pinned = ref !== undefined && /^[0-9a-f]{40}$/i.test(ref) && !/^https?:/i.test(where);
    return { ecosystem: 'npm', launcher, spec: ref === undefined ? url : `${url}#${ref}`, name: url, version: ref, pinned, moving: !pinned, vcs: { url, ref }, word };
  }
  // A name holds no `@` past a scope's leading one, so the first later `@` starts the version,
  // even when the version is a URL with `user@host` in it.
  const at = spec.indexOf('@', 1);
  const name = at === -1 ? spec : spec.slice(0, at);
  const version = at === -1 ? undefined : spec.slice(at + 1);
  // `trusted@npm:other@1.0.0` is an alias: what runs (and what a policy must judge) is `other`.
  if (version?.startsWith('npm:')) return npmRef(launcher, word, version.slice(4));
  const pinned = version !== undefined && EXACT_SEMVER.test(version);
  // `*`, `x` and an empty version mean "any release", as moving as `latest`; a bounded range is not.
  const moving = !pinned && (version === undefined || WILDCARD_RANGE.test(version.trim()) || !isSemverRange(version));
  return { ecosystem: 'npm', launcher, spec, name, version, pinned, moving, word };
}

/** True for an npm version that is a dist-tag (`latest`, `next`) rather than a range or a URL/git reference. */
export function isNpmTag(version: string): boolean {
  return NPM_TAG.test(version) && !isSemverRange(version);
}

/** `git+https://github.com/o/r@v1#subdirectory=x` -> url `git+https://github.com/o/r`, ref `v1`. */
function vcsSource(url: string): VcsSource {
  const bare = url.replace(URL_CREDENTIALS, '$1').split('#')[0] ?? '';
  // The ref's `@` comes after the host's first `/` (an `@` before it belongs to `user@host`).
  const pathStart = bare.indexOf('/', bare.indexOf('://') + 3);
  const at = pathStart === -1 ? -1 : bare.lastIndexOf('@');
  if (at <= pathStart) return { url: bare, ref: undefined };
  const ref = bare.slice(at + 1);
  return { url: bare.slice(0, at), ref: ref === '' ? undefined : ref };
}

function vcsRef(launcher: string, word: Word, name: string | undefined, url: string): PackageRef | undefined {
  const source = vcsSource(url);
  if (source.url.startsWith('git+file:') || source.url.startsWith('file:')) return undefined;
  const pinned = source.ref !== undefined && COMMIT_HASH.test(source.ref);
  return { ecosystem: 'python', launcher, spec: word.value, name: name ?? source.url, version: source.ref, pinned, moving: !pinned, vcs: source, word };
}

/**
 * A Python requirement as uvx/pipx take it: `pkg`, `pkg==1.0`, `pkg@1.0`, `pkg[extra]>=1`, and
 * where a source is named (`--from`, `--spec`) `git+https://…@ref`, `pkg @ git+https://…`.
 * Undefined for local folders, archives and plain URLs, which no registry version describes.
 */
function pythonRef(launcher: string, word: Word, source: boolean): PackageRef | undefined {
  const spec = word.value.trim();
  if (VCS_URL.test(spec)) return source ? vcsRef(launcher, word, undefined, spec) : undefined;
  const direct = DIRECT_REFERENCE.exec(spec);
  if (direct) return source && VCS_URL.test(direct[2] ?? '') ? vcsRef(launcher, word, direct[1], direct[2] ?? '') : undefined;
  if (/^https?:\/\//i.test(spec)) {
    // A wheel or sdist straight from a URL: whatever the host serves today, no index, no version.
    const url = spec.replace(URL_CREDENTIALS, '$1');
    return { ecosystem: 'python', launcher, spec: url, name: url, version: undefined, pinned: false, moving: true, vcs: { url, ref: undefined }, word };
  }
  if (PYTHON_LOCAL_PATH.test(spec) || isLocalPath(spec)) return undefined;
  const m = PYTHON_SPEC.exec(spec);
  if (!m) return undefined;
  const [, name = spec, , op, rest = ''] = m;
  // Text after a bare name (`packages/server`, `mcp x`) is no requirement syntax: not a PyPI name then.
  if (op === undefined && rest !== '') return undefined;
  const version = op ? rest : undefined;
  const pinned =
    version !== undefined &&
    version !== 'latest' &&
    (op === '===' ? PYTHON_ARBITRARY_VERSION.test(version) : (op === '==' || op === '@') && PYTHON_EXACT_VERSION.test(version));
  const moving = version === undefined || version === 'latest';
  return { ecosystem: 'python', launcher, spec: word.value, name, version, pinned, moving, word };
}

function containerRef(launcher: string, word: Word): PackageRef {
  const spec = word.value;
  const digestAt = spec.indexOf('@sha256:');
  if (digestAt !== -1) return { ecosystem: 'container', launcher, spec, name: spec.slice(0, digestAt), version: spec.slice(digestAt + 1), pinned: true, moving: false, word };
  const lastSlash = spec.lastIndexOf('/');
  const colon = spec.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const version = colon === -1 ? undefined : spec.slice(colon + 1);
  return { ecosystem: 'container', launcher, spec, name, version, pinned: false, moving: version === undefined || version === 'latest', word };
}

const memo = new WeakMap<McpServer, readonly PackageRef[]>();

/** The packages a server's command fetches and runs (computed once per server; several rules ask). */
export function serverPackages(server: McpServer): readonly PackageRef[] {
  let out = memo.get(server);
  if (out === undefined) memo.set(server, (out = launcherPackages(programWords(server))));
  return out;
}

/** The packages an argv fetches and runs, if it uses a known launcher. */
export function packagesOf(words: readonly Word[]): PackageRef[] {
  return launcherPackages(unwrap(words));
}

/** `packagesOf` for words already unwrapped. */
function launcherPackages(w: readonly Word[]): PackageRef[] {
  if (w.length === 0) return [];
  const prog = programName((w[0] as Word).value);
  const sub = w[1]?.value;
  const out: PackageRef[] = [];
  const npmAt = (start: number, launcher: string) => {
    // `-p pkg` / `--package=pkg` name the package explicitly; the operand is then a bin name.
    for (let k = start; k < w.length; k++) {
      const v = (w[k] as Word).value;
      if ((v === '-p' || v === '--package') && w[k + 1]) {
        const r = npmRef(launcher, w[k + 1] as Word);
        if (r) out.push(r);
      } else if (v.startsWith('--package=')) {
        const r = npmRef(launcher, { value: v.slice('--package='.length), path: (w[k] as Word).path });
        if (r) out.push(r);
      }
    }
    if (out.length > 0) return;
    const k = firstOperand(w, start, NPX_VALUE_FLAGS);
    if (k !== -1) {
      const r = npmRef(launcher, w[k] as Word);
      if (r) out.push(r);
    }
  };
  if (prog === 'npx' || prog === 'bunx') npmAt(1, prog);
  else if ((prog === 'pnpm' || prog === 'yarn') && sub === 'dlx') npmAt(2, `${prog} dlx`);
  else if (prog === 'pnpx') npmAt(1, prog);
  else if (prog === 'npm' && (sub === 'exec' || sub === 'x')) npmAt(2, 'npm exec');
  else if (prog === 'bun' && sub === 'x') npmAt(2, 'bun x');
  else if (prog === 'uvx' || (prog === 'uv' && sub === 'tool' && w[2]?.value === 'run') || (prog === 'pipx' && sub === 'run')) {
    const start = prog === 'uvx' ? 1 : prog === 'uv' ? 3 : 2;
    const launcher = prog === 'uvx' ? 'uvx' : prog === 'uv' ? 'uv tool run' : 'pipx run';
    // `--from`/`--spec` name what is installed; the operand is then only the command to run, so
    // it is never taken for a PyPI package, even when the source is a folder or a git URL.
    let named = false;
    for (let k = start; k < w.length; k++) {
      const v = (w[k] as Word).value;
      if (v === '--') break;
      let source: Word | undefined;
      if ((v === '--from' || v === '--spec') && w[k + 1]) source = w[++k] as Word;
      else if (v.startsWith('--from=') || v.startsWith('--spec=')) source = { value: v.slice(v.indexOf('=') + 1), path: (w[k] as Word).path };
      else if (!v.startsWith('-')) break;
      else if (!v.includes('=') && UVX_VALUE_FLAGS.has(v)) k++;
      if (source === undefined) continue;
      named = true;
      const r = pythonRef(launcher, source, true);
      if (r) out.push(r);
    }
    if (!named) {
      const k = firstOperand(w, start, UVX_VALUE_FLAGS);
      if (k !== -1) {
        const r = pythonRef(launcher, w[k] as Word, false);
        if (r) out.push(r);
      }
    }
  } else if ((prog === 'docker' || prog === 'podman' || prog === 'nerdctl') && (sub === 'run' || (sub === 'container' && w[2]?.value === 'run'))) {
    const { image } = parseDockerRun(w, sub === 'run' ? 2 : 3);
    if (image !== -1) out.push(containerRef(prog, w[image] as Word));
  }
  return out;
}
