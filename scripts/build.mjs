#!/usr/bin/env node
// Bundles every entry point with esbuild. Adding an entry (an MCP server, a webview) is one line in ENTRIES.
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** name -> [entry, platform]. Node bundles are CommonJS (the extension host requires it). */
export const ENTRIES = [
  // The extension is two bundles: the VS Code glue, loaded at activation, and its heavy half (coordinator,
  // MCP SDK + ajv, cockatiel, the static assessment, classic zod), required on first use by
  // src/extension/core-loader.ts. The banner and footer time the glue's evaluation, wall clock and CPU (src/extension/api.ts).
  {
    out: 'dist/extension.js',
    entry: 'src/extension/extension.ts',
    platform: 'node',
    external: ['vscode'],
    banner: 'var __mcpOversightLoadStart = performance.now(), __mcpOversightLoadCpuStart = process.cpuUsage();',
    footer: 'var __mcpOversightLoadEnd = performance.now(), __mcpOversightLoadCpu = process.cpuUsage(__mcpOversightLoadCpuStart);',
  },
  { out: 'dist/extension-core.js', entry: 'src/extension/core-entry.ts', platform: 'node', external: ['vscode'] },
  { out: 'dist/cli.js', entry: 'src/cli/main.ts', platform: 'node', banner: '#!/usr/bin/env node' },
  { out: 'dist/compliance-server.js', entry: 'src/servers/compliance/main.ts', platform: 'node', banner: '#!/usr/bin/env node' },
  { out: 'dist/installer-server.js', entry: 'src/servers/installer/main.ts', platform: 'node', banner: '#!/usr/bin/env node' },
  { out: 'dist/audit-scan-worker.js', entry: 'src/coordinator/audit/scan-worker.ts', platform: 'node' },
  { out: 'dist/webview/main.js', entry: 'webview-ui/src/main.ts', platform: 'browser' },
  { out: 'dist/webview/audit.js', entry: 'webview-ui/src/audit/main.ts', platform: 'browser' },
];

/**
 * The webview bundles are inlined into their pages' HTML (src/extension/webviews/webview-html.ts), which
 * saves the page a request per file through the webview's service worker. So they are always minified
 * (they travel in the HTML on every load), and their source map, when there is one, has no
 * `sourceMappingURL` comment (it could not resolve from an inline script). `inline-script`/`inline-style`
 * are esbuild's defaults, pinned here: esbuild then escapes `</script` in the script and `</style` in the
 * stylesheet (as `<\/script`); `false` would turn that off. test/integration/webview-bundle.test.ts checks
 * the built files; webviewHtml refuses text that would end its element early.
 */
export const WEBVIEW_OPTIONS = { minify: true, supported: { 'inline-script': true, 'inline-style': true } };

/**
 * Builds every entry under `root` (dist/ keeps its layout, so the extension finds extension-core.js and
 * the servers beside it). scripts/bench.mjs builds into .bench-out/ with the same options.
 */
export async function buildAll({ production = false, root = '.' } = {}) {
  await Promise.all(
    ENTRIES.map((e) =>
      build({
        entryPoints: [e.entry],
        outfile: join(root, e.out),
        bundle: true,
        platform: e.platform,
        format: e.platform === 'node' ? 'cjs' : 'iife',
        target: e.platform === 'node' ? 'node20' : 'es2022',
        external: e.external ?? [],
        ...(e.platform === 'browser'
          ? { ...WEBVIEW_OPTIONS, sourcemap: production ? false : 'external' }
          : { sourcemap: production ? false : 'linked', minify: production }),
        logLevel: 'warning',
        legalComments: 'none',
        // jsonc-parser's UMD build requires its parts dynamically, which a bundle cannot follow: take its ESM build.
        mainFields: e.platform === 'node' ? ['module', 'main'] : ['browser', 'module', 'main'],
        define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
        ...(e.banner ? { banner: { js: e.banner } } : {}),
        ...(e.footer ? { footer: { js: e.footer } } : {}),
      }),
    ),
  );
  return ENTRIES.map((e) => ({ file: join(root, e.out), bytes: statSync(join(root, e.out)).size }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const built = await buildAll({ production: process.argv.includes('--production') });
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(`built ${built.length} bundles in ${Date.now() - started} ms${process.argv.includes('--production') ? ' (production: minified, no source maps)' : ' (webviews minified)'}: ${built.map((b) => `${b.file} ${kib(b.bytes)}`).join(', ')}`);
}
