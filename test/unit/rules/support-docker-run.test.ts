import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Word } from '../../../src/core/rules/support/command-line';
import { DOCKER_RUN_VALUE_FLAGS, parseDockerRun } from '../../../src/core/rules/support/docker-run';

const words = (...values: string[]): Word[] => values.map((value, i) => ({ value, path: ['args', i] }));
/** The options as `name=value@index/span` strings, for compact assertions. */
const flagsOf = (...values: string[]) => {
  const run = parseDockerRun(words(...values), 0);
  return { image: run.image, flags: run.flags.map((f) => `${f.name}${f.value === undefined ? '' : `=${f.value}`}@${f.index}/${f.span}${f.combined ? '+' : ''}`) };
};

describe('support/docker-run: parseDockerRun', () => {
  it('pairs value-taking options with their value and stops at the image', () => {
    assert.deepEqual(flagsOf('-i', '--rm', '-e', 'TOKEN', '--shm-size', '1g', '--privileged', 'img', '--privileged'), {
      image: 7,
      flags: ['-i@0/1', '--rm@1/1', '-e=TOKEN@2/2', '--shm-size=1g@4/2', '--privileged@6/1'],
    });
  });

  it('reads `--opt=value` whether the option is listed or not', () => {
    assert.deepEqual(flagsOf('--network=host', '--privileged=false', '--some-new-option=1', 'img'), {
      image: 3,
      flags: ['--network=host@0/1', '--privileged=false@1/1', '--some-new-option=1@2/1'],
    });
  });

  it('reads grouped short switches, a grouped option taking the next word, and glued values', () => {
    assert.deepEqual(flagsOf('-it', '-iv', '/:/host', '-eA=1', '-e=B', '-p8080:80', 'img'), {
      image: 6,
      flags: ['-i@0/1+', '-t@0/1+', '-i@1/1+', '-v=/:/host@1/2+', '-e=A=1@3/1', '-e=B@4/1', '-p=8080:80@5/1'],
    });
  });

  it('ends options at `--`, and reports no image when none is left', () => {
    assert.deepEqual(flagsOf('-i', '--', '-img-like'), { image: 2, flags: ['-i@0/1'] });
    assert.deepEqual(flagsOf('-i', '--'), { image: -1, flags: ['-i@0/1'] });
    assert.deepEqual(flagsOf('-i', '--name'), { image: -1, flags: ['-i@0/1', '--name@1/1'] });
  });

  it('lists the value-taking options of docker run the rules depend on', () => {
    for (const f of ['--shm-size', '--stop-timeout', '--stop-signal', '--cpu-shares', '-c', '--cpuset-cpus', '--memory-swap', '--network-alias', '--health-cmd', '--health-interval', '--ipc', '--log-opt', '--mac-address', '--ip', '--ip6', '--link', '--volumes-from', '--workdir', '--expose', '--cidfile', '--storage-opt', '--sysctl', '--isolation', '--oom-score-adj', '--blkio-weight', '--pids-limit', '--attach', '-a', '--detach-keys', '--domainname', '--dns-search', '--dns-option', '--env-file', '--label-file', '--annotation', '-e', '--env', '--name', '-p', '-w', '-u', '-v', '--mount']) {
      assert.ok(DOCKER_RUN_VALUE_FLAGS.has(f), f);
    }
    for (const f of ['-i', '-t', '-d', '--rm', '--privileged', '--init', '--read-only']) assert.ok(!DOCKER_RUN_VALUE_FLAGS.has(f), f);
  });
});
