import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertMasked, assessFiles, findingsOf, KILO, LEGACY, positionOf, VSCODE } from './helpers';

const RULE = 'secret-token';
// Built at run time: no token-shaped literal in the repository.
const GHP = 'ghp_' + 'R8kq2VwZp4Tn7Lx1' + 'Yc9Bf3Hs6Jd0Mg5Ae2Qu';
const OPENAI = 'sk-proj-' + 'T3BlbkFJq8Zr2Lw5Nx7Vc9Pm4Hs6Kd1Gf0Yb3Ju8Ea5Qi2Wo7';

describe('secret-token: tokens outside the modelled fields', () => {
  it('finds a token in a field we do not model (Kilo provider apiKey), with its line, column and path', async () => {
    const text = `{\n  // kilo\n  "provider": { "openai": { "options": { "apiKey": "${OPENAI}" } } },\n  "mcp": {}\n}\n`;
    const r = await assessFiles({ [KILO]: text });
    const [f, ...rest] = findingsOf(r, RULE);
    assert.ok(f);
    assert.deepEqual(rest, []);
    assert.equal(f.server, null);
    assert.equal(f.severity, 'critical');
    assert.deepEqual({ line: f.line, column: f.column }, positionOf(text, OPENAI));
    assert.deepEqual(f.jsonPath, ['provider', 'openai', 'options', 'apiKey']);
    assertMasked(f, OPENAI);
  });

  it('finds the earlier of two duplicate keys, which JSON.parse drops but the file still holds', async () => {
    const text = `{\n  "mcpServers": {\n    "gh": {\n      "command": "npx",\n      "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],\n      "env": {\n        "GITHUB_PERSONAL_ACCESS_TOKEN": "${GHP}",\n        "GITHUB_PERSONAL_ACCESS_TOKEN": "\${env:GH}"\n      }\n    }\n  }\n}\n`;
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE);
    assert.equal(fs.length, 1);
    assert.deepEqual({ line: fs[0]?.line, column: fs[0]?.column }, positionOf(text, GHP));
  });

  it('finds VS Code input defaults, and does not report twice what a server field already reported', async () => {
    const text = `{\n  "inputs": [{ "type": "promptString", "id": "tok", "default": "${GHP}" }],\n  "servers": { "s": { "command": "node", "args": ["x.js"], "env": { "T": "${OPENAI}" } } }\n}\n`;
    const r = await assessFiles({ [VSCODE]: text });
    const fs = findingsOf(r, RULE);
    assert.equal(fs.length, 2);
    assert.ok(fs.some((f) => f.server === 's' && f.line === positionOf(text, OPENAI).line));
    assert.ok(fs.some((f) => f.server === null && f.line === positionOf(text, GHP).line));
  });

  it('finds a token in a file that is not even valid JSON', async () => {
    const text = `{ "mcpServers": { "a": { "command": "node", "env": { "T": "${GHP}" } } `;
    const r = await assessFiles({ [LEGACY]: text });
    // Found through the recovered server entry: located at the string value (its opening quote).
    assert.ok(findingsOf(r, RULE).some((f) => f.line === 1 && f.column === positionOf(text, `"${GHP}`).column));
    for (const f of r.result.findings) assert.ok(!f.message.includes(GHP));
  });
});
