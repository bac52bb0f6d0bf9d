// Lint runs in `npm test`. typescript-eslint's recommended rules plus the layer rules of docs/ARCHITECTURE.md.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.test-tmp/**', '.bench-out/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports (docs/ARCHITECTURE.md).' }],
    },
  },
  {
    // The pure core: no VS Code, no UI, no CLI.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core never imports vscode.' }], patterns: [{ group: ['**/extension/**', '**/cli/**', '**/webview-ui/**'], message: 'src/core depends on nothing above it.' }] }],
    },
  },
  {
    // The two MCP servers never depend on each other (each must work alone) nor on the extension or CLI.
    files: ['src/servers/compliance/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'MCP servers run outside VS Code.' }], patterns: [{ group: ['**/installer/**', '**/extension/**', '**/cli/**'], message: 'The Compliance Server imports core, live and servers/kit only.' }] }],
    },
  },
  {
    files: ['src/servers/installer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'MCP servers run outside VS Code.' }], patterns: [{ group: ['**/compliance/**', '**/live/**', '**/extension/**', '**/cli/**'], message: 'The Installer imports core and servers/kit only.' }] }],
    },
  },
  {
    files: ['src/servers/kit/**/*.ts', 'src/live/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Runs outside VS Code.' }], patterns: [{ group: ['**/compliance/**', '**/installer/**', '**/extension/**', '**/cli/**'], message: 'Shared server code depends on core only.' }] }],
    },
  },
  {
    // The Integration Coordinator talks to the two servers only as an MCP client over stdio: it never imports them.
    files: ['src/coordinator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The coordinator runs in the extension host and headless; the extension adapts it.' }], patterns: [{ regex: '^(\\.\\./)+(servers|live|extension|cli)(/|$)', message: 'The coordinator imports core only; it reaches the servers over MCP.' }, { group: ['**/src/servers/**', '**/src/live/**', '**/webview-ui/**'], message: 'The coordinator imports core only; it reaches the servers over MCP.' }] }],
    },
  },
  {
    // The extension's glue (dist/extension.js) stays small: the coordinator, the static assessment, the
    // audit store, the HTTP API (src/api: jose, asn1) and classic zod are in dist/extension-core.js, which src/extension/core-entry.ts builds
    // and core-loader.ts requires on first use. Types may cross (`import type`); code goes through the facade.
    files: ['src/extension/**/*.ts'],
    ignores: ['src/extension/core-entry.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['zod', 'zod/v4', 'zod/v3', 'cockatiel'].map((name) => ({ name, allowTypeImports: true, message: 'Heavy at activation: use zod/mini (src/extension/settings.ts) or reach it through the facade (src/extension/core-entry.ts, core-loader.ts).' })),
          patterns: [
            {
              group: ['**/coordinator/**', '**/api/**', '**/core/assess/**', '**/core/config/**', '**/core/rules/**', '**/core/audit/**', '@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/**', '**/core-entry'],
              allowTypeImports: true,
              message: 'Loaded lazily: take it from the facade (src/extension/core-entry.ts) through the `core` getter extension.ts passes down; `import type` is fine.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview-ui/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'The webview runs in a browser.' }], patterns: [{ group: ['node:*'], message: 'The webview runs in a browser.' }, { group: ['**/src/core/**', '**/src/extension/**'], message: 'The webview imports src/protocol only.' }] }],
    },
  },
);
