#!/usr/bin/env node
// Packages the extension as mcp-oversight-<version>.vsix with vsce, offline, from what dist/ holds.
//   node scripts/vscode-host/package-vsix.mjs [--build] [--production]
// --build runs scripts/build.mjs first (--production: minified, no source maps). A release is packaged
// with `--build --production` (extension.js ~80 KiB instead of ~145, extension-core.js ~850 instead of
// ~1550); the test and demo routes package whatever dist/ holds. Source maps never ship (.vscodeignore).
//
// package.json has a "files" list (for npm) and vsce refuses a .vscodeignore beside it, so vsce runs in a
// staging folder (out/vsix-stage) holding package.json without "files", the .vscodeignore and the files
// it may pick from. The .vscodeignore is the one source of truth for what ships.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPackageJson, REPO_ROOT, run, say, seconds, vsixPath } from './host-config.mjs';

const STAGE = join(REPO_ROOT, 'out', 'vsix-stage');
const STAGED = ['.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media', 'dist'];
/** dist bundles that are deliberately not in the .vsix. */
const NOT_SHIPPED = new Set(['cli.js']);
/** Issue 5's target for the extension bundle (the glue loaded at activation; its heavy half, dist/extension-core.js, loads on first use). */
const EXTENSION_BUNDLE_TARGET = 1024 * 1024;

function kib(bytes) {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

export async function packageVsix({ build = false, production = false } = {}) {
  const started = Date.now();
  const pkg = readPackageJson();
  if (build) await run(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), ...(production ? ['--production'] : [])], { echo: true });
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first (or pass --build)');

  rmSync(STAGE, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  for (const name of STAGED) {
    const from = join(REPO_ROOT, name);
    if (existsSync(from)) cpSync(from, join(STAGE, name), { recursive: true });
  }
  const manifest = { ...pkg };
  delete manifest.files;
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  const out = vsixPath(pkg);
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const listing = await run(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: STAGE });
  const shipped = new Set(listing.split('\n').map((l) => l.trim()).filter(Boolean));
  await run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: STAGE });

  const missing = readdirSync(join(REPO_ROOT, 'dist'), { recursive: true })
    .map(String)
    .filter((f) => !f.endsWith('.map') && !NOT_SHIPPED.has(f) && statSync(join(REPO_ROOT, 'dist', f)).isFile() && !shipped.has(`dist/${f}`));
  if (missing.length > 0) say(`WARNING: files in dist/ not in the .vsix (add them to .vscodeignore if the extension loads them): ${missing.join(', ')}`);

  const extBytes = statSync(join(REPO_ROOT, 'dist', 'extension.js')).size;
  const coreBytes = statSync(join(REPO_ROOT, 'dist', 'extension-core.js')).size;
  const vsixBytes = statSync(out).size;
  say(`${relative(REPO_ROOT, out)}: ${kib(vsixBytes)}, ${shipped.size} files (${[...shipped].join(', ')}) in ${seconds(Date.now() - started)}`);
  say(`dist/extension.js: ${kib(extBytes)} (target under ${kib(EXTENSION_BUNDLE_TARGET)}${extBytes > EXTENSION_BUNDLE_TARGET ? ': OVER' : ''}); dist/extension-core.js (loaded on first use): ${kib(coreBytes)}`);
  return { path: out, bytes: vsixBytes, files: [...shipped], extensionBytes: extBytes, extensionCoreBytes: coreBytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  packageVsix({ build: process.argv.includes('--build'), production: process.argv.includes('--production') }).catch((e) => {
    console.error(`[vscode-host] packaging failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
