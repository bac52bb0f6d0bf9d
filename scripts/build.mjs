#!/usr/bin/env node
// Bundles every entry point with esbuild. Adding an entry (an MCP server, a webview) is one line in ENTRIES.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = process.argv.includes('--production');

/** name -> [entry, platform]. Node bundles are CommonJS (the extension host requires it). */
const ENTRIES = [
  { out: 'dist/extension.js', entry: 'src/extension/extension.ts', platform: 'node', external: ['vscode'] },
  { out: 'dist/cli.js', entry: 'src/cli/main.ts', platform: 'node', banner: '#!/usr/bin/env node' },
  { out: 'dist/compliance-server.js', entry: 'src/servers/compliance/main.ts', platform: 'node', banner: '#!/usr/bin/env node' },
  { out: 'dist/installer-server.js', entry: 'src/servers/installer/main.ts', platform: 'node', banner: '#!/usr/bin/env node' },
  { out: 'dist/audit-scan-worker.js', entry: 'src/coordinator/audit/scan-worker.ts', platform: 'node' },
  { out: 'dist/webview/main.js', entry: 'webview-ui/src/main.ts', platform: 'browser' },
];

const started = Date.now();
await Promise.all(
  ENTRIES.map((e) =>
    build({
      entryPoints: [e.entry],
      outfile: e.out,
      bundle: true,
      platform: e.platform,
      format: e.platform === 'node' ? 'cjs' : 'iife',
      target: e.platform === 'node' ? 'node20' : 'es2022',
      external: e.external ?? [],
      sourcemap: production ? false : 'linked',
      minify: production,
      logLevel: 'warning',
      legalComments: 'none',
      // jsonc-parser's UMD build requires its parts dynamically, which a bundle cannot follow: take its ESM build.
      mainFields: e.platform === 'node' ? ['module', 'main'] : ['browser', 'module', 'main'],
      define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
      ...(e.banner ? { banner: { js: e.banner } } : {}),
    }),
  ),
);
console.log(`built ${ENTRIES.length} bundles in ${Date.now() - started} ms: ${ENTRIES.map((e) => e.out).join(', ')}`);
