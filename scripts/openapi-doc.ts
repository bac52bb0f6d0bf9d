import { writeFileSync } from 'node:fs';
import { buildOpenApi } from '../src/api/openapi';

/** docs/openapi.json, generated from the endpoint table and its zod schemas (a test fails when the file is stale). */
export function renderOpenApiDoc(): string {
  const doc = buildOpenApi();
  // The version comes from the build; the committed document names none so it does not go stale on a release.
  (doc['info'] as Record<string, unknown>)['version'] = 'v1';
  return JSON.stringify(doc, null, 2) + '\n';
}

if (process.argv[1]?.endsWith('openapi-doc.ts')) {
  writeFileSync('docs/openapi.json', renderOpenApiDoc());
  console.log('wrote docs/openapi.json');
}
