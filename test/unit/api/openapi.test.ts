import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { ENDPOINTS } from '../../../src/api/endpoints';
import { buildOpenApi } from '../../../src/api/openapi';
import { renderOpenApiDoc } from '../../../scripts/openapi-doc';

type Doc = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> }; responses: Record<string, { content: Record<string, { schema: object }> }>; security?: unknown[]; 'x-permission': string }>>; components: { schemas: Record<string, object> } };

describe('OpenAPI document', () => {
  const doc = buildOpenApi() as unknown as Doc;

  it('docs/openapi.json is what `npm run docs:openapi` generates from the endpoint table (regenerate it when this fails)', () => {
    assert.equal(readFileSync('docs/openapi.json', 'utf8'), renderOpenApiDoc());
  });

  it('has every endpoint with its permission, and public ones need no credential', () => {
    for (const e of ENDPOINTS) {
      const op = doc.paths[e.path]?.[e.method.toLowerCase()];
      assert.ok(op, `${e.method} ${e.path}`);
      assert.equal(op['x-permission'], e.access);
      assert.equal(op.security !== undefined && op.security.length === 0, e.access === 'public');
    }
  });

  it('every schema in it compiles (JSON Schema 2020-12), and accepts what the server accepts and answers', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const fix = (s: object): object => JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"doc#/components/')) as object;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) assert.doesNotThrow(() => ajv.compile(fix(r.content['application/json']!.schema)), `${method} ${path} ${status}`);
        if (op.requestBody) assert.doesNotThrow(() => ajv.compile(op.requestBody!.content['application/json']!.schema), `${method} ${path} body`);
      }
    }
    const body = ajv.compile(doc.paths['/api/v1/assessment/request']!['post']!.requestBody!.content['application/json']!.schema);
    assert.equal(body({ kind: 'live', servers: ['weather'] }), true);
    assert.equal(body({ kind: 'sideways' }), false);
    const error = ajv.compile(fix(doc.paths['/api/v1/health']!['get']!.responses['default']!.content['application/json']!.schema));
    assert.equal(error({ code: 'FORBIDDEN', category: 'authorization', message: 'no', details: {}, retryable: false, timestamp: '2026-11-24T10:00:00.000Z', requestId: 'x' }), true, JSON.stringify(error.errors));
  });
});
