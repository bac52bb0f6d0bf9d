#!/usr/bin/env node
// Checks that package.json and the code agree: every contributed command is registered in
// src/extension and vice versa, and every command and setting is documented in README.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const readme = readFileSync('README.md', 'utf8');
const files = (dir) => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const source = files('src/extension').filter((f) => f.endsWith('.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');

const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
// Registration goes through `command(id, …)` / `withCoordinator(id, …)` in extension.ts or `registerCommand(id, …)`.
const registered = new Set([...source.matchAll(/(?:registerCommand|command|withCoordinator)\(\s*['"](mcpOversight\.[\w.]+)['"]/g)].map((m) => m[1]));
const problems = [];
for (const id of contributed) if (!registered.has(id)) problems.push(`command ${id} is in package.json but never registered in src/extension`);
for (const id of registered) if (!contributed.has(id)) problems.push(`command ${id} is registered but not contributed in package.json`);
for (const id of contributed) if (!readme.includes(id)) problems.push(`command ${id} is not documented in README.md`);
for (const key of Object.keys(pkg.contributes.configuration.properties)) if (!readme.includes(key)) problems.push(`setting ${key} is not documented in README.md`);

if (problems.length > 0) {
  console.error(problems.map((p) => `check-manifest: ${p}`).join('\n'));
  process.exit(1);
}
console.log(`check-manifest: ${contributed.size} commands and ${Object.keys(pkg.contributes.configuration.properties).length} settings registered and documented`);
