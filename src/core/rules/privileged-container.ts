import type { Severity } from '../model/severity';
import { argsContainer, argv, programName, unwrap, type Word } from './support/command-line';
import { perServerRule, type RuleHit } from './rule';
import type { McpServer } from '../model/server';

const HOST_ROOTS = /^(\/|~|~\/|\$HOME|\$\{HOME\}|\$\{env:HOME\}|\{env:HOME\}|\$\{userHome\}|\/home|\/root|\/Users|\/etc|[A-Za-z]:\\?|\/var\/run\/docker\.sock|\/run\/docker\.sock|\/var\/run|\/run|\\\\\.\\pipe\\docker_engine)\/?$/;

/** `-v SRC:DST[:opts]` / `--mount type=bind,source=SRC,…` -> SRC. */
function mountSource(flag: string, value: string): string | undefined {
  if (flag === '--mount') return /(?:^|,)(?:source|src)=([^,]+)/.exec(value)?.[1];
  // Windows drive letters (C:\x:/y) keep their first colon.
  const m = /^([A-Za-z]:[\\/][^:]*|[^:]+):/.exec(value);
  return m?.[1];
}

function* containerFindings(server: McpServer, words: Word[]): Generator<RuleHit> {
  const hits: { word: Word; severity: Severity; message: string; removeCount: number }[] = [];
  for (let k = 2; k < words.length; k++) {
    const w = words[k] as Word;
    const v = w.value;
    if (!v.startsWith('-')) break; // the image: flags end here
    const [flag, inline] = v.includes('=') ? [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] : [v, undefined];
    const value = inline ?? words[k + 1]?.value ?? '';
    const takesValue = inline === undefined && ['-v', '--volume', '--mount', '--network', '--net', '--pid', '--ipc', '--uts', '--userns', '--cap-add', '--security-opt', '--device'].includes(flag);
    let hit: { severity: Severity; message: string } | undefined;
    if (flag === '--privileged' && inline !== 'false') hit = { severity: 'critical', message: 'runs a privileged container (--privileged): it has full control of the host' };
    else if ((flag === '--network' || flag === '--net') && value === 'host') hit = { severity: 'high', message: 'shares the host network (--network host): it reaches every local service' };
    else if ((flag === '--pid' || flag === '--ipc' || flag === '--uts' || flag === '--userns') && value === 'host') hit = { severity: 'high', message: `shares the host ${flag.slice(2)} namespace (${flag} host)` };
    else if (flag === '--cap-add' && /^(ALL|SYS_ADMIN|SYS_PTRACE|SYS_MODULE|NET_ADMIN|DAC_READ_SEARCH)$/i.test(value)) hit = { severity: 'high', message: `adds the ${value.toUpperCase()} capability` };
    else if (flag === '--security-opt' && /^(seccomp|apparmor)[=:]unconfined$|^label[=:]disable$/i.test(value)) hit = { severity: 'high', message: `disables confinement (--security-opt ${value})` };
    else if (flag === '--device' && value !== '') hit = { severity: 'medium', message: `passes a host device into the container (${value})` };
    else if (flag === '-v' || flag === '--volume' || flag === '--mount') {
      const src = mountSource(flag, value);
      if (src !== undefined && /docker\.sock|docker_engine/.test(src)) hit = { severity: 'critical', message: `mounts the Docker socket (${src}): the container controls the host's Docker` };
      else if (src !== undefined && HOST_ROOTS.test(src)) hit = { severity: 'high', message: `mounts the host folder ${src} into the container` };
    }
    if (hit) {
      hits.push({ word: w, ...hit, removeCount: takesValue ? 2 : 1 });
    }
    if (takesValue) k++;
  }
  for (const h of hits) {
    if (h.word.path === undefined) continue;
    const remediation = removeArgs(server, h.word, h.removeCount);
    yield { server, path: h.word.path, key: h.word.value, severity: h.severity, message: `Server "${server.name}" ${h.message}.`, ...(remediation ? { remediation } : {}) };
  }
}

/** The edit that drops a flag (and its value) from the argument list. */
function removeArgs(server: McpServer, word: Word, count: number) {
  const container = argsContainer(server);
  const index = word.path === undefined ? -1 : server.origins.args.findIndex((p) => p === word.path);
  if (!container || index === -1) return undefined;
  const args = [...server.args.slice(0, index), ...server.args.slice(index + count)];
  return {
    description: `Remove ${server.args.slice(index, index + count).join(' ')} from "${server.name}"`,
    edits: [{ file: server.file, jsonPath: container.path, value: [...container.head, ...args] }],
    followUp: 'The server may need some of this access to work; check its documentation before approving.',
  };
}

export const privilegedContainerRule = perServerRule(
  {
    id: 'privileged-container',
    category: 'privileged-container',
    severity: 'high',
    title: 'Container with host-level access',
    rationale:
      'Running an MCP server in a container is a good sandbox, unless it is privileged, shares the host network or namespaces, or mounts the Docker socket, the home folder or the root file system: then it can do anything the host can.',
    help: 'Drop --privileged, --network host and broad capabilities; mount only the folder the server needs, read-only where possible (`-v "$PWD/data:/data:ro"`).',
  },
  function* (server) {
    const words = unwrap(argv(server));
    const prog = words[0] ? programName(words[0].value) : '';
    if (!['docker', 'podman', 'nerdctl'].includes(prog)) return;
    const sub = words[1]?.value;
    if (sub === 'run') yield* containerFindings(server, words);
    else if (sub === 'container' && words[2]?.value === 'run') yield* containerFindings(server, [words[0] as Word, ...words.slice(2)]);
  },
);
