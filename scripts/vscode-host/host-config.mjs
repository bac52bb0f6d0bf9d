// Where the real-VS Code test host lives and how to run things, shared by setup, package-vsix and run-e2e.
// Facts behind the choices: ../shared/notes/real-vscode-host.md and docs/TESTING-IN-VSCODE.md.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** code-server 4.100.3 = VS Code 1.100.3, the newest whose engines.node accepts Node 20 (package.json: engines.vscode ^1.100.0). */
export const CODE_SERVER_VERSION = '4.100.3';
/** Ships `rg` for every platform inside the npm tarball; seeds @vscode/ripgrep's download cache (its postinstall fetches from GitHub). */
export const RIPGREP_UNIVERSAL = '@vscode/ripgrep-universal@1.18.0';
/** What code-server 4.100.3's @vscode/ripgrep (1.15.11) looks for in $TMPDIR instead of downloading. */
export const RIPGREP_CACHE_DIR = 'vscode-ripgrep-cache-1.15.11';
export const RIPGREP_TARGETS = {
  x64: { asset: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz', bin: 'linux-x64' },
  arm64: { asset: 'ripgrep-v13.0.0-10-aarch64-unknown-linux-musl.tar.gz', bin: 'linux-arm64' },
};

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Outside the repo (~280 MB), kept between runs. MCP_OVERSIGHT_CACHE moves it. */
export const CACHE_ROOT = process.env.MCP_OVERSIGHT_CACHE ? resolve(process.env.MCP_OVERSIGHT_CACHE) : join(homedir(), '.cache', 'mcp-oversight');
export const CODE_SERVER_PREFIX = join(CACHE_ROOT, `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PREFIX, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const INSTALLED_MARKER = join(CODE_SERVER_PREFIX, '.mcp-oversight-installed.json');
/** Debian's Chromium; playwright-core drives it (no browser download). CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function readPackageJson() {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
}

export function vsixPath(pkg) {
  return join(REPO_ROOT, `${pkg.name}-${pkg.version}.vsix`);
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function say(msg) {
  console.log(`[vscode-host] ${msg}`);
}

/**
 * Runs a command; resolves with its output, rejects with the command line, exit code and the tail of
 * its output. `echo` streams the output as it comes (long installs); otherwise it is kept for errors.
 */
export function run(cmd, args, { cwd = REPO_ROOT, env = process.env, echo = false, timeoutMs = 0 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (chunk, stream) => {
      out += chunk;
      if (out.length > 4_000_000) out = out.slice(-2_000_000);
      if (echo) stream.write(chunk);
    };
    child.stdout.on('data', (c) => take(c, process.stdout));
    child.stderr.on('data', (c) => take(c, process.stderr));
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${out.slice(-6000)}`));
    });
  });
}
