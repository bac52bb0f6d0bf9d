import type { McpServer } from '../../model/server';
import { argv, programName, unwrap, type Word } from './command-line';

export type Ecosystem = 'npm' | 'python' | 'container';

/** A package a launcher will fetch and run, as written (`@scope/pkg@1.2.3`, `mcp-server-fetch==0.6.2`, `ghcr.io/x/y:1`). */
export interface PackageRef {
  ecosystem: Ecosystem;
  launcher: string;
  spec: string;
  name: string;
  version: string | undefined;
  /** Exactly one version (npm/python) or a digest (container). */
  pinned: boolean;
  word: Word;
}

const EXACT_SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Flags that take a value, per launcher, so the value is not mistaken for the package. */
const NPX_VALUE_FLAGS = new Set(['-p', '--package', '--registry', '--cache', '--userconfig', '-c', '--call', '--node-options', '--prefix']);
const UVX_VALUE_FLAGS = new Set(['--from', '--with', '--with-requirements', '--python', '-p', '--index', '--index-url', '--extra-index-url', '--directory', '--project', '--constraint', '-c']);
const DOCKER_VALUE_FLAGS = new Set([
  '-e', '--env', '--env-file', '-v', '--volume', '--mount', '--name', '--network', '--net', '-p', '--publish', '-u', '--user',
  '-w', '--workdir', '--entrypoint', '--cap-add', '--cap-drop', '--security-opt', '--pid', '--ipc', '--uts', '--userns', '-l', '--label',
  '--platform', '--pull', '--restart', '-m', '--memory', '--cpus', '--device', '--add-host', '-h', '--hostname', '--gpus',
  '--tmpfs', '--ulimit', '--log-driver', '--log-opt', '--runtime', '--cgroupns', '--dns', '--group-add', '--init-path',
]);

function isLocalPath(spec: string): boolean {
  return /^(\.{0,2}\/|~\/|[A-Za-z]:[\\/]|file:|git\+|https?:|github:)/.test(spec) || spec.endsWith('.tgz');
}

/** First non-flag word after `start`, skipping the values of flags in `valueFlags`. Returns its index. */
function firstOperand(words: Word[], start: number, valueFlags: Set<string>): number {
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

function npmRef(launcher: string, word: Word): PackageRef | undefined {
  const spec = word.value;
  if (isLocalPath(spec)) return undefined;
  const at = spec.lastIndexOf('@');
  const hasVersion = at > 0;
  const name = hasVersion ? spec.slice(0, at) : spec;
  const version = hasVersion ? spec.slice(at + 1) : undefined;
  return { ecosystem: 'npm', launcher, spec, name, version, pinned: version !== undefined && EXACT_SEMVER.test(version), word };
}

function pythonRef(launcher: string, word: Word): PackageRef | undefined {
  const spec = word.value;
  if (isLocalPath(spec)) return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(==|@|>=|<=|~=|!=|>|<|===)?\s*(.*)$/.exec(spec);
  if (!m) return undefined;
  const [, name = spec, , op, rest] = m;
  const version = op ? rest : undefined;
  const pinned = (op === '==' || op === '===' || op === '@') && version !== undefined && version !== 'latest' && /^[0-9][0-9A-Za-z.+!-]*$/.test(version);
  return { ecosystem: 'python', launcher, spec, name, version, pinned, word };
}

function containerRef(launcher: string, word: Word): PackageRef {
  const spec = word.value;
  const digestAt = spec.indexOf('@sha256:');
  if (digestAt !== -1) return { ecosystem: 'container', launcher, spec, name: spec.slice(0, digestAt), version: spec.slice(digestAt + 1), pinned: true, word };
  const lastSlash = spec.lastIndexOf('/');
  const colon = spec.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const version = colon === -1 ? undefined : spec.slice(colon + 1);
  return { ecosystem: 'container', launcher, spec, name, version, pinned: false, word };
}

const memo = new WeakMap<McpServer, readonly PackageRef[]>();

/** The packages a server's command fetches and runs (computed once per server; several rules ask). */
export function serverPackages(server: McpServer): readonly PackageRef[] {
  let out = memo.get(server);
  if (out === undefined) memo.set(server, (out = packagesOf(argv(server))));
  return out;
}

/** The packages an argv fetches and runs, if it uses a known launcher. */
export function packagesOf(words: Word[]): PackageRef[] {
  const w = unwrap(words);
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
    for (let k = start; k < w.length; k++) {
      const v = (w[k] as Word).value;
      if ((v === '--from' || v === '--spec') && w[k + 1]) {
        const r = pythonRef(launcher, w[k + 1] as Word);
        if (r) out.push(r);
      }
    }
    if (out.length === 0) {
      const k = firstOperand(w, start, new Set([...UVX_VALUE_FLAGS, '--spec']));
      if (k !== -1) {
        const r = pythonRef(launcher, w[k] as Word);
        if (r) out.push(r);
      }
    }
  } else if ((prog === 'docker' || prog === 'podman' || prog === 'nerdctl') && (sub === 'run' || (sub === 'container' && w[2]?.value === 'run'))) {
    const k = firstOperand(w, sub === 'run' ? 2 : 3, DOCKER_VALUE_FLAGS);
    if (k !== -1) out.push(containerRef(prog, w[k] as Word));
  }
  return out;
}
