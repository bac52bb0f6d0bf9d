import { redactSecrets } from '../secrets/detect-secrets';
import type { Severity } from '../model/severity';
import { programName, programWords, type Word } from './support/command-line';
import { parseDockerRun, type DockerFlag } from './support/docker-run';
import { perServerRule, type RuleHit } from './rule';
import type { McpServer } from '../model/server';

const HOST_ROOTS = /^(\/|~|~\/|\$HOME|\$\{HOME\}|\$\{env:HOME\}|\{env:HOME\}|\$\{userHome\}|%USERPROFILE%|\/home(?:\/[^/]+)?|\/root|\/Users(?:\/[^/]+)?|\/etc|[A-Za-z]:\\?|[A-Za-z]:\\Users(?:\\[^\\]+)?|\/var\/run\/docker\.sock|\/run\/docker\.sock|\/var\/run|\/run|\\\\\.\\pipe\\docker_engine)[\\/]?$/;
/** A home folder however it is written: `~`, `$HOME`, `${env:HOME}`, `/home/u`, `/root`, `C:\Users\u`, `%USERPROFILE%`. */
const HOME = String.raw`(?:~|\$HOME|\$\{HOME\}|\$\{env:HOME\}|\{env:HOME\}|\$\{userHome\}|%USERPROFILE%|\$env:USERPROFILE|\/home\/[^/]+|\/root|\/Users\/[^/]+|[A-Za-z]:[\\/]Users[\\/][^\\/]+)`;
/** Folders and files of a home that hold keys and tokens: SSH, cloud CLIs, Kubernetes, registries, GPG, git and package registries. */
const CREDENTIAL_STORE = String.raw`(?:\.ssh|\.aws|\.azure|\.config[\\/]gcloud|\.config[\\/]gh|\.kube|\.docker|\.gnupg|\.netrc|\.git-credentials|\.npmrc|\.pypirc)`;
const CREDENTIAL_MOUNT = new RegExp(String.raw`^${HOME}[\\/]${CREDENTIAL_STORE}(?:[\\/].*)?$`, 'i');
const DOCKER_SOCKET = /docker\.sock|docker_engine/;
const DANGEROUS_CAPABILITY = /^(?:CAP_)?(ALL|SYS_ADMIN|SYS_PTRACE|SYS_MODULE|SYS_RAWIO|NET_ADMIN|DAC_READ_SEARCH|BPF)$/i;
const UNCONFINED = /^(seccomp|apparmor|systempaths)[=:]unconfined$|^label[=:]disable$/i;
const MOUNT_SOURCE = /(?:^|,)(?:source|src)=([^,]+)/;
const DRIVE = /^[A-Za-z]:[\\/]/;
/** PowerShell's `$env:USERPROFILE`: its colon is part of the name. */
const ENV_PREFIX = /^\$env:/i;
const FALSE = /^(false|0)$/i;

/** `-v SRC:DST[:opts]` / `--mount type=bind,source=SRC,…` -> SRC. */
function mountSource(flag: string, value: string): string | undefined {
  if (flag === '--mount') return MOUNT_SOURCE.exec(value)?.[1];
  // The first colon ends SRC, except a drive letter's (`C:\x:/y`), `$env:`'s and those inside `${env:HOME}` or `{env:HOME}`.
  let depth = 0;
  for (let i = DRIVE.test(value) ? 3 : ENV_PREFIX.test(value) ? 5 : 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x7b /* { */) depth++;
    else if (c === 0x7d /* } */ && depth > 0) depth--;
    else if (c === 0x3a /* : */ && depth === 0) return i === 0 ? undefined : value.slice(0, i);
  }
  return undefined;
}

/** What one option of `docker run` gives the container of the host, if anything worth a finding. */
function judgeFlag(flag: DockerFlag): { severity: Severity; message: string } | undefined {
  const { name, value = '' } = flag;
  switch (name) {
    case '--privileged':
      return flag.value !== undefined && FALSE.test(flag.value) ? undefined : { severity: 'critical', message: 'runs a privileged container (--privileged): it has full control of the host' };
    case '--network':
    case '--net':
      return value === 'host' ? { severity: 'high', message: 'shares the host network (--network host): it reaches every local service' } : undefined;
    case '--pid':
    case '--ipc':
    case '--uts':
    case '--userns':
      return value === 'host' ? { severity: 'high', message: `shares the host ${name.slice(2)} namespace (${name} host)` } : undefined;
    case '--cap-add':
      return DANGEROUS_CAPABILITY.test(value) ? { severity: 'high', message: `adds the ${value.toUpperCase()} capability` } : undefined;
    case '--security-opt':
      return UNCONFINED.test(value) ? { severity: 'high', message: `disables confinement (--security-opt ${value})` } : undefined;
    case '--device':
      return value !== '' ? { severity: 'medium', message: `passes a host device into the container (${value})` } : undefined;
    case '-v':
    case '--volume':
    case '--mount': {
      const src = mountSource(name, value);
      if (src === undefined) return undefined;
      if (DOCKER_SOCKET.test(src)) return { severity: 'critical', message: `mounts the Docker socket (${src}): the container controls the host's Docker` };
      if (HOST_ROOTS.test(src)) return { severity: 'high', message: `mounts the host folder ${src} into the container` };
      if (CREDENTIAL_MOUNT.test(src)) return { severity: 'high', message: `mounts the credential store ${src} into the container: it can read the keys and tokens kept there` };
      return undefined;
    }
    default:
      return undefined;
  }
}

function containerFindings(server: McpServer, words: readonly Word[], start: number, report: (hit: RuleHit) => void): void {
  for (const flag of parseDockerRun(words, start).flags) {
    const hit = judgeFlag(flag);
    const word = words[flag.index] as Word;
    if (hit === undefined || word.path === undefined) continue;
    // A flag grouped with others (`-itv /:/host`) cannot be dropped alone: no automatic edit then.
    const remediation = flag.combined ? undefined : removeArgs(server, word, flag.span);
    report({ server, path: word.path, key: word.value, severity: hit.severity, message: `Server "${server.name}" ${hit.message}.`, ...(remediation ? { remediation } : {}) });
  }
}

/**
 * The edits that drop a flag (and its value) from the argument list: one removal per element, last
 * first, so each stays small (no copy of the whole list per finding) and indexes stay valid. None
 * when the words were split out of one string (`cmd /c "docker run …"`): removing would drop it all.
 */
function removeArgs(server: McpServer, word: Word, count: number) {
  const index = word.path === undefined ? -1 : server.origins.args.findIndex((p) => p === word.path);
  if (index === -1 || index + count > server.args.length) return undefined;
  const paths = server.origins.args.slice(index, index + count);
  if (new Set(paths).size !== count) return undefined;
  return {
    description: `Remove ${redactSecrets(server.args.slice(index, index + count).join(' '))} from "${server.name}"`,
    edits: paths.reverse().map((jsonPath) => ({ file: server.file, jsonPath, remove: true })),
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
  (server, _ctx, report) => {
    const words = programWords(server);
    const prog = words[0] ? programName(words[0].value) : '';
    if (!['docker', 'podman', 'nerdctl'].includes(prog)) return;
    const sub = words[1]?.value;
    if (sub === 'run') containerFindings(server, words, 2, report);
    else if (sub === 'container' && words[2]?.value === 'run') containerFindings(server, words, 3, report);
  },
);
