import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { apiSettings } from '../../../src/extension/settings';

const cfgOf = (v: Record<string, unknown>) => ({ get: (k: string) => v[k] });

describe('apiSettings (mcpOversight.api.*)', () => {
  it('defaults: off, port 7341, burst 100 then 10/s, no OAuth', () => {
    assert.deepEqual(apiSettings(cfgOf({})), { enabled: false, port: 7341, rateLimit: { burst: 100, perSecond: 10 }, oauthMissing: [] });
  });

  it('takes valid values; anything malformed falls back to the documented default', () => {
    const s = apiSettings(cfgOf({ 'api.enabled': true, 'api.port': 0, 'api.rateLimit.burst': 5, 'api.rateLimit.perSecond': 0.5 }));
    assert.deepEqual([s.enabled, s.port, s.rateLimit], [true, 0, { burst: 5, perSecond: 0.5 }]);
    const bad = apiSettings(cfgOf({ 'api.enabled': 'true', 'api.port': 70000, 'api.rateLimit.burst': 2.5, 'api.rateLimit.perSecond': -1 }));
    assert.deepEqual([bad.enabled, bad.port, bad.rateLimit], [false, 7341, { burst: 100, perSecond: 10 }]);
    assert.equal(apiSettings(cfgOf({ 'api.port': '8080' })).port, 7341);
    assert.equal(apiSettings(cfgOf({ 'api.rateLimit.burst': 0 })).rateLimit.burst, 100);
  });

  it('OAuth: on when issuer, JWKS URL and audience are all set (trimmed; role claim optional); blank = off', () => {
    const full = { 'api.oauth.issuer': ' https://idp.example/ ', 'api.oauth.jwksUrl': 'https://idp.example/jwks', 'api.oauth.audience': 'mcp-oversight' };
    assert.deepEqual(apiSettings(cfgOf(full)).oauth, { issuer: 'https://idp.example/', jwksUrl: 'https://idp.example/jwks', audience: 'mcp-oversight' });
    assert.deepEqual(apiSettings(cfgOf({ ...full, 'api.oauth.roleClaim': 'realm_access.roles' })).oauth?.roleClaim, 'realm_access.roles');
    assert.equal(apiSettings(cfgOf({ 'api.oauth.issuer': '  ', 'api.oauth.jwksUrl': '', 'api.oauth.audience': 3 })).oauth, undefined);
    assert.deepEqual(apiSettings(cfgOf({ 'api.oauth.issuer': '  ' })).oauthMissing, []);
  });

  it('OAuth half set up: off, and the missing settings are named (the start refuses rather than silently ignoring them)', () => {
    const s = apiSettings(cfgOf({ 'api.oauth.issuer': 'https://idp.example/' }));
    assert.equal(s.oauth, undefined);
    assert.deepEqual(s.oauthMissing, ['mcpOversight.api.oauth.jwksUrl', 'mcpOversight.api.oauth.audience']);
    assert.deepEqual(apiSettings(cfgOf({ 'api.oauth.roleClaim': 'groups' })).oauthMissing, ['mcpOversight.api.oauth.issuer', 'mcpOversight.api.oauth.jwksUrl', 'mcpOversight.api.oauth.audience']);
  });

  it('package.json declares every api setting user-only (scope application) with the same defaults', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { scope?: string; default?: unknown }> } } };
    const props = Object.entries(pkg.contributes.configuration.properties).filter(([k]) => k.startsWith('mcpOversight.api.'));
    assert.deepEqual(props.map(([k]) => k).sort(), [
      'mcpOversight.api.enabled',
      'mcpOversight.api.oauth.audience',
      'mcpOversight.api.oauth.issuer',
      'mcpOversight.api.oauth.jwksUrl',
      'mcpOversight.api.oauth.roleClaim',
      'mcpOversight.api.port',
      'mcpOversight.api.rateLimit.burst',
      'mcpOversight.api.rateLimit.perSecond',
    ]);
    for (const [k, p] of props) assert.equal(p.scope, 'application', `${k} must be scope application: a workspace must not open a listener or loosen its limits`);
    const defaults = Object.fromEntries(props.map(([k, p]) => [k.replace(/^mcpOversight\./, ''), p.default]));
    const parsed = apiSettings(cfgOf(defaults));
    assert.deepEqual(parsed, { enabled: false, port: 7341, rateLimit: { burst: 100, perSecond: 10 }, oauthMissing: [] });
  });
});
