import type { Word } from './command-line';

/**
 * Every `docker run` / `podman run` / `nerdctl run` option that takes a value (long and short
 * names). One table for every rule: an option missing here makes its value look like the image
 * (`--shm-size 1g img` -> image "1g") and hides the options after it from the privilege checks.
 * Options not listed are taken as switches; `--opt=value` works whether listed or not.
 */
export const DOCKER_RUN_VALUE_FLAGS: ReadonlySet<string> = new Set([
  // docker run (docs.docker.com/reference/cli/docker/container/run)
  '--add-host', '--annotation', '-a', '--attach', '--blkio-weight', '--blkio-weight-device', '--cap-add', '--cap-drop',
  '--cgroup-parent', '--cgroupns', '--cidfile', '--cpu-count', '--cpu-percent', '--cpu-period', '--cpu-quota',
  '--cpu-rt-period', '--cpu-rt-runtime', '-c', '--cpu-shares', '--cpus', '--cpuset-cpus', '--cpuset-mems', '--detach-keys',
  '--device', '--device-cgroup-rule', '--device-read-bps', '--device-read-iops', '--device-write-bps', '--device-write-iops',
  '--dns', '--dns-opt', '--dns-option', '--dns-search', '--domainname', '--entrypoint', '-e', '--env', '--env-file', '--expose',
  '--gpus', '--group-add', '--health-cmd', '--health-interval', '--health-retries', '--health-start-interval',
  '--health-start-period', '--health-timeout', '-h', '--hostname', '--init-path', '--io-maxbandwidth', '--io-maxiops', '--ip',
  '--ip6', '--ipc', '--isolation', '--kernel-memory', '-l', '--label', '--label-file', '--link', '--link-local-ip',
  '--log-driver', '--log-opt', '--mac-address', '-m', '--memory', '--memory-reservation', '--memory-swap',
  '--memory-swappiness', '--mount', '--name', '--net', '--network', '--net-alias', '--network-alias', '--oom-score-adj',
  '--pid', '--pids-limit', '--platform', '-p', '--publish', '--pull', '--restart', '--runtime', '--security-opt',
  '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt', '--sysctl', '--tmpfs', '-u', '--user', '--ulimit',
  '--userns', '--uts', '-v', '--volume', '--volume-driver', '--volumes-from', '-w', '--workdir',
  // podman run extras
  '--arch', '--authfile', '--cgroup-conf', '--cgroups', '--chrootdirs', '--conmon-pidfile', '--creds', '--decryption-key',
  '--gidmap', '--group-entry', '--hooks-dir', '--hostuser', '--image-volume', '--os', '--passwd-entry', '--personality',
  '--pidfile', '--pod', '--pod-id-file', '--preserve-fds', '--rdt-class', '--requires', '--retry', '--retry-delay',
  '--sdnotify', '--seccomp-policy', '--secret', '--shm-size-systemd', '--subgidname', '--subuidname', '--timeout', '--tz',
  '--uidmap', '--umask', '--unsetenv', '--variant',
  // nerdctl run extras
  '--cosign-key', '--namespace', '--snapshotter', '--verify',
]);

/** One option of a `run` command line. */
export interface DockerFlag {
  /** `--volume`, `-v`, `--privileged`: the option's name, without any `=value`. */
  name: string;
  /** The value (inline after `=`, glued to a short option, or the next word); undefined for a switch. */
  value: string | undefined;
  /** Index of the word holding the option in the words given to `parseDockerRun`. */
  index: number;
  /** Words the option occupies: 2 when its value is the next word, else 1. */
  span: number;
  /** The option shares its word with other short options (`-itv x`): removing the word removes them too. */
  combined: boolean;
}

export interface DockerRun {
  flags: DockerFlag[];
  /** Index of the image (the first operand), -1 when there is none. */
  image: number;
}

/**
 * Splits the words of `docker run [OPTIONS] IMAGE [COMMAND] [ARG…]` from `start` (the first word
 * after `run`) into its options and the image. Options end at the image or at `--`, as in the CLI:
 * what follows the image is the container's own command line, not docker's.
 */
export function parseDockerRun(words: readonly Word[], start: number): DockerRun {
  const flags: DockerFlag[] = [];
  for (let k = start; k < words.length; k++) {
    const v = (words[k] as Word).value;
    if (v === '--') return { flags, image: k + 1 < words.length ? k + 1 : -1 };
    if (v.length < 2 || !v.startsWith('-')) return { flags, image: k };
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      if (eq !== -1) {
        flags.push({ name: v.slice(0, eq), value: v.slice(eq + 1), index: k, span: 1, combined: false });
      } else if (DOCKER_RUN_VALUE_FLAGS.has(v) && k + 1 < words.length) {
        flags.push({ name: v, value: (words[k + 1] as Word).value, index: k, span: 2, combined: false });
        k++;
      } else {
        flags.push({ name: v, value: undefined, index: k, span: 1, combined: false });
      }
      continue;
    }
    // Short options, possibly grouped (`-it`), the last one possibly with its value glued on
    // (`-eFOO=1`, `-v/:/host`, `-e=FOO`), as the CLI's flag parser reads them.
    const combined = v.length > 2;
    let skipNext = false;
    for (let c = 1; c < v.length; c++) {
      const name = '-' + v.charAt(c);
      if (!DOCKER_RUN_VALUE_FLAGS.has(name)) {
        flags.push({ name, value: undefined, index: k, span: 1, combined });
        continue;
      }
      let glued = v.slice(c + 1);
      if (glued.startsWith('=')) glued = glued.slice(1);
      if (glued !== '' || c + 1 < v.length) {
        flags.push({ name, value: glued, index: k, span: 1, combined: c > 1 });
      } else if (k + 1 < words.length) {
        flags.push({ name, value: (words[k + 1] as Word).value, index: k, span: 2, combined });
        skipNext = true;
      }
      break;
    }
    if (skipNext) k++;
  }
  return { flags, image: -1 };
}
