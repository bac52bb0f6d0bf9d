import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENDPOINTS } from '../../../src/api/endpoints';
import { can, ROLE_PERMISSIONS, ROLES, type Role } from '../../../src/api/permissions';
import { ErrorResponseSchema } from '../../../src/core/coordination/error-response';
import { bearer, call, startHarness, type Harness } from './support/api-harness';

/**
 * The whole role x endpoint matrix, read from the one role table and the one endpoint table: an allowed
 * call gets past authorization (2xx, or 4xx from validating its deliberately invalid body); a forbidden
 * one is 403 before its body is even read; a missing, malformed or forged credential is 401.
 */
describe('HTTP API permission matrix', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('the role table is exactly the design', () => {
    assert.deepEqual(ROLE_PERMISSIONS, {
      installer: ['request:assessment', 'view:audit_logs'],
      compliance: ['propose:remediation', 'view:audit_logs'],
      human_oversight: ['approve:assessment', 'approve:remediation', 'view:audit_logs'],
      admin: ['request:assessment', 'approve:assessment', 'propose:remediation', 'approve:remediation', 'view:audit_logs', 'manage:system'],
    });
  });

  const send = (e: (typeof ENDPOINTS)[number], headers: Record<string, string>) => call(h.port, e.method, e.path, e.method === 'POST' ? { headers, json: { unknownField: 1 } } : { headers });

  for (const e of ENDPOINTS) {
    for (const role of ROLES) {
      for (const via of ['apiKey', 'token'] as const) {
        const allowed = e.access === 'public' || e.access === 'authenticated' || can(role, e.access);
        it(`${role} (${via === 'apiKey' ? 'API key' : 'JWT'}) ${e.method} ${e.path} -> ${allowed ? 'allowed' : '403'}`, async () => {
          const r = await send(e, bearer(h[via][role as Role]));
          if (allowed) {
            assert.ok(r.status < 500 && r.status !== 401 && r.status !== 403, `${r.status} ${r.text}`);
            if (e.method === 'POST') assert.equal(r.status, 400, 'a body with an unknown field fails validation');
            else if (e.query !== undefined && !e.query.safeParse({}).success) assert.equal(r.status, 400, 'a required query parameter is missing');
            else assert.equal(r.status, 200, r.text);
          } else {
            assert.equal(r.status, 403, r.text);
            const body = ErrorResponseSchema.parse(r.json());
            assert.equal(body.code, 'FORBIDDEN');
            assert.equal(body.category, 'authorization');
          }
        });
      }
    }
    if (e.access === 'public') continue;
    // RFC 6750 3.1: no error code when no credential was sent at all.
    for (const [what, headers, challenge] of [
      ['no credential', {}, 'Bearer realm="mcp-oversight"'],
      ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'Bearer realm="mcp-oversight"'],
      ['a malformed Bearer header', { authorization: 'Bearer a b' }, 'Bearer realm="mcp-oversight", error="invalid_token"'],
      ['an unknown API key', bearer(`mcpo_aaaaaaaaaaaa_${'A'.repeat(43)}`), 'Bearer realm="mcp-oversight", error="invalid_token"'],
      ['garbage as a token', bearer('not.a.token'), 'Bearer realm="mcp-oversight", error="invalid_token"'],
    ] as const) {
      it(`${what} ${e.method} ${e.path} -> 401`, async () => {
        const r = await send(e, headers);
        assert.equal(r.status, 401, r.text);
        assert.equal(r.headers['www-authenticate'], challenge);
        assert.equal(ErrorResponseSchema.parse(r.json()).code, 'UNAUTHENTICATED');
      });
    }
  }

  it('every request, allowed or refused, is in the audit trail without its credential', async () => {
    const before = h.coordinator.recorded.length;
    await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
    await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer('nope') });
    await call(h.port, 'POST', '/api/v1/assessment/approve', { headers: bearer(h.token.installer), json: {} });
    await new Promise((r) => setTimeout(r, 50));
    const entries = h.coordinator.recorded.slice(before).filter((e) => e.kind === 'api.access');
    assert.deepEqual(
      entries.map((e) => [e.payload['status'], e.actor.id.split(':')[0]]),
      [
        [200, 'api-key'],
        [401, 'anonymous'],
        [403, 'jwt'],
      ],
    );
    const text = JSON.stringify(h.coordinator.recorded);
    for (const secret of [...Object.values(h.apiKey), ...Object.values(h.token)]) assert.ok(!text.includes(secret.slice(-20)), 'no credential in the trail');
  });
});
