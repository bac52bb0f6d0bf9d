import { z } from 'zod';
import { ErrorResponseSchema } from '../core/coordination/error-response';
import { ENDPOINTS } from './endpoints';
import { HTTP_STATUS } from './http-status';

declare const PACKAGE_VERSION: string;

type JsonSchema = Record<string, unknown>;

const toSchema = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
};

/**
 * The OpenAPI 3.1 document, generated from the endpoint table and its zod schemas (the same ones the
 * server validates with), so the document cannot drift from what the server accepts. Served at
 * /api/v1/openapi.json and written to docs/openapi.json by `npm run docs:openapi`.
 */
export function buildOpenApi(): JsonSchema {
  const errorStatuses = [...new Set(Object.values(HTTP_STATUS))].sort();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of ENDPOINTS) {
    const op: Record<string, unknown> = {
      operationId: e.handler,
      summary: e.summary,
      ...(e.access === 'public' ? { security: [] } : {}),
      'x-permission': e.access,
      responses: {
        ...Object.fromEntries(Object.entries(e.responses).map(([status, r]) => [status, { description: r.description, content: { 'application/json': { schema: toSchema(r.schema, 'output') } } }])),
        default: { description: `An ErrorResponse (status ${errorStatuses.join(', ')}).`, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } } },
      },
    };
    if (e.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: toSchema(e.body, 'input') } } };
    if (e.query) {
      const q = toSchema(e.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      op['parameters'] = Object.entries(q.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: (q.required ?? []).includes(name), schema, ...(schema['type'] === 'array' ? { style: 'form', explode: true } : {}) }));
    }
    (paths[e.path] ??= {})[e.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'MCP Oversight local API',
      version: typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev',
      description: 'Assessments, remediation proposals and human approvals of the MCP servers a workspace configures. HTTPS on 127.0.0.1; a JWT or an API key as a Bearer credential. Roles: installer, compliance, human_oversight, admin (see x-permission on each operation).',
    },
    servers: [{ url: 'https://127.0.0.1:7341' }],
    security: [{ bearer: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A JWT from `mcp-oversight token create` (EdDSA) or the configured OAuth issuer, or an API key (mcpo_…).' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: { ErrorResponse: toSchema(ErrorResponseSchema, 'output') },
    },
    paths,
  };
}
