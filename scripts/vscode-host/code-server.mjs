// Starts and stops code-server (VS Code 1.100.3 server + web workbench) for tests, isolated in a run folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY, run, say } from './host-config.mjs';

/** User settings for test profiles: no trust prompt, no welcome page, nothing phoning home. */
export const TEST_USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'window.restoreWindows': 'none',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Folders of one code-server profile under runDir/name: user data, extensions, XDG homes, TMPDIR. */
export function profileDirs(runDir, name) {
  const base = join(runDir, name);
  const dirs = {
    base,
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    xdgConfig: join(base, 'xdg', 'config'),
    xdgData: join(base, 'xdg', 'data'),
    xdgCache: join(base, 'xdg', 'cache'),
    tmp: join(base, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

function profileEnv(dirs, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    TMPDIR: dirs.tmp,
    ...extra,
  };
}

function ensureCodeServer() {
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY} missing): run node scripts/vscode-host/setup.mjs`);
}

export async function installExtension(dirs, vsix) {
  ensureCodeServer();
  await run(process.execPath, [CODE_SERVER_ENTRY, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], { env: profileEnv(dirs), timeoutMs: 60_000 });
}

async function healthy(url, child, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

/** Every code-server this process started, so an exit or a signal can still stop them. */
const live = new Set();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** Puts another process group (e.g. a test runner that owns a browser) under the same clean-up. */
export function adoptGroup(pid) {
  live.add(pid);
}

export function releaseGroup(pid) {
  live.delete(pid);
}

/** Synchronous last resort (process 'exit', signals): SIGKILL every group still alive. */
export function killAllNow() {
  for (const pid of live) killGroup(pid, 'SIGKILL');
  live.clear();
}

/**
 * Starts code-server in its own process group (detached = setsid) on a free 127.0.0.1 port, with
 * `--auth none`, the profile's folders and user settings; resolves once /healthz answers.
 * `env` is added to the server's environment, which its extension hosts inherit. `port` asks for
 * that port first (a free one after a failed attempt).
 */
export async function startCodeServer({ dirs, settings = {}, env = {}, port: fixedPort, startTimeoutMs = 30_000, attempts = 3 }) {
  ensureCodeServer();
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...TEST_USER_SETTINGS, ...settings }, null, 2));
  const logPath = join(dirs.base, 'code-server.log');
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const port = fixedPort && attempt === 1 ? fixedPort : await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = openSync(logPath, 'a');
    const child = spawn(
      process.execPath,
      [CODE_SERVER_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions],
      { cwd: dirs.base, env: profileEnv(dirs, env), detached: true, stdio: ['ignore', log, log] },
    );
    live.add(child.pid);
    const stop = () => stopGroup(child);
    if (await healthy(url, child, startTimeoutMs)) {
      say(`code-server up on ${url} in ${Date.now() - started} ms (pgid ${child.pid}, log ${logPath})`);
      return { url, port, pid: child.pid, logPath, stop };
    }
    await stop();
    const tail = readFileSync(logPath, 'utf8').slice(-3000);
    // A port taken between freePort() and the bind is the one race here: try another.
    if (attempt >= attempts || !/EADDRINUSE/.test(tail)) throw new Error(`code-server did not answer /healthz within ${startTimeoutMs} ms (attempt ${attempt}); its log:\n${tail}`);
    say(`code-server start attempt ${attempt} failed (port in use), retrying`);
  }
}

/** SIGTERM to the whole group, SIGKILL after 3 s: the file watcher and extension hosts go with it. */
export async function stopGroup(child) {
  if (!live.has(child.pid)) return;
  killGroup(child.pid, 'SIGTERM');
  const until = Date.now() + 3000;
  while (Date.now() < until && killGroup(child.pid, 0)) await new Promise((r) => setTimeout(r, 100));
  killGroup(child.pid, 'SIGKILL');
  live.delete(child.pid);
}
