import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../../../src/core/crypto/hash';
import { buildLivePlan, DEFAULT_LIVE_CONCURRENCY, DEFAULT_LIVE_TIMEOUT_MS, describeLivePlan, liveCandidates, LiveAssessmentPlanSchema, livePlanHash, type PlanInput } from '../../../src/core/live-plan/live-plan';
import { assessFiles, GLOBAL_LEGACY, GLOBAL_OPTS, LEGACY, legacyConfig, randomAlnum, VSCODE, vscodeConfig, WS } from '../rules/helpers';

const GITHUB_PAT = 'ghp_' + randomAlnum(36, 5151);
const OPENAI_KEY = 'sk-proj-' + randomAlnum(48, 5152);
const ENV_SECRET = randomAlnum(32, 5153);
const HEADER_SECRET = randomAlnum(40, 5154);

type Files = Record<string, string>;

const FILES: Files = {
  [LEGACY]: legacyConfig({
    fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '.'], env: { MODE: 'ro', API_TOKEN: ENV_SECRET } },
    off: { command: 'node', args: ['off.js'], disabled: true },
  }),
  [GLOBAL_LEGACY]: legacyConfig({
    fs: { command: 'evil-shadowed', args: [] },
    g: { command: 'node', args: ['g.js'], env: { B: '1', A: '2' } },
  }),
  [VSCODE]: vscodeConfig({ remote: { type: 'http', url: 'https://x.example.com/mcp', headers: { Authorization: `Bearer ${HEADER_SECRET}` } } }),
};

async function planOf(files: Files, over: Partial<PlanInput> = {}) {
  const r = await assessFiles(files, GLOBAL_OPTS);
  return { ...buildLivePlan({ workspace: WS, includeGlobal: true, model: r.model, texts: r.texts, ...over }), model: r.model };
}

describe('buildLivePlan', () => {
  it('lists only the effective, enabled servers (shadowed and disabled are left out)', async () => {
    const { plan, servers, model } = await planOf(FILES);
    assert.deepEqual(plan.servers.map((s) => s.name).sort(), ['fs', 'g', 'remote']);
    assert.equal(plan.servers.find((s) => s.name === 'fs')?.command, 'npx', 'the project entry, not the global one it shadows');
    assert.ok(!JSON.stringify(plan).includes('evil-shadowed'));
    assert.ok(!JSON.stringify(plan).includes('off.js'));
    assert.deepEqual(servers.map((s) => s.id), plan.servers.map((s) => s.serverId));
    // Sanity: the model does hold both left-out entries.
    assert.ok(model.servers.some((s) => s.name === 'off' && !s.enabled));
    assert.ok(model.servers.some((s) => s.command === 'evil-shadowed'));
    assert.ok(LiveAssessmentPlanSchema.safeParse(plan).success);
  });

  it('narrows to the named servers', async () => {
    const { plan } = await planOf(FILES, { names: ['g', 'off', 'nope'] });
    assert.deepEqual(plan.servers.map((s) => s.name), ['g']);
    assert.deepEqual(plan.files.map((f) => f.file), [GLOBAL_LEGACY]);
  });

  it('holds env and header names only, never their values', async () => {
    const { plan } = await planOf(FILES);
    const fs = plan.servers.find((s) => s.name === 'fs')!;
    assert.deepEqual(fs.envKeys, ['API_TOKEN', 'MODE']);
    assert.deepEqual(plan.servers.find((s) => s.name === 'g')!.envKeys, ['A', 'B'], 'sorted');
    const remote = plan.servers.find((s) => s.name === 'remote')!;
    assert.deepEqual(remote.headerKeys, ['Authorization']);
    assert.equal(remote.transport, 'streamable-http');
    assert.equal(remote.url, 'https://x.example.com/mcp');
    const json = JSON.stringify(plan);
    for (const s of [ENV_SECRET, HEADER_SECRET]) assert.ok(!json.includes(s));
  });

  it('binds each file the servers come from by its hash (sorted, once each)', async () => {
    const { plan } = await planOf(FILES);
    assert.deepEqual(plan.files, [GLOBAL_LEGACY, LEGACY, VSCODE].sort().map((file) => ({ file, baseHash: sha256Hex(FILES[file]!) })));
  });

  it('a file whose text is unknown is "absent"', async () => {
    const r = await assessFiles(FILES, GLOBAL_OPTS);
    const { plan } = buildLivePlan({ workspace: WS, includeGlobal: true, model: r.model, texts: new Map() });
    assert.ok(plan.files.every((f) => f.baseHash === 'absent'));
  });

  it('defaults and limits', async () => {
    const { plan } = await planOf(FILES);
    assert.equal(plan.timeoutMs, DEFAULT_LIVE_TIMEOUT_MS);
    assert.equal(plan.concurrency, DEFAULT_LIVE_CONCURRENCY);
    const custom = (await planOf(FILES, { timeoutMs: 5000, concurrency: 2 })).plan;
    assert.deepEqual([custom.timeoutMs, custom.concurrency], [5000, 2]);
    assert.equal(LiveAssessmentPlanSchema.safeParse({ ...plan, timeoutMs: 10 }).success, false);
  });

  it('liveCandidates agrees with the plan', async () => {
    const r = await assessFiles(FILES, GLOBAL_OPTS);
    assert.deepEqual(liveCandidates(r.model).map((s) => s.name).sort(), ['fs', 'g', 'remote']);
    assert.deepEqual(liveCandidates(r.model, []), []);
  });
});

describe('livePlanHash', () => {
  it('is the domain-separated hash of the plan, stable across runs', async () => {
    const a = (await planOf(FILES)).plan;
    const b = (await planOf(FILES)).plan;
    assert.equal(livePlanHash(a), livePlanHash(b));
    assert.equal(livePlanHash(a), hashCanonical(HASH_TAGS.assessmentRequest, a));
    assert.notEqual(livePlanHash(a), hashCanonical(HASH_TAGS.proposal, a));
  });

  it('does not change when a file no planned server comes from changes', async () => {
    const base = livePlanHash((await planOf(FILES)).plan);
    const withOther = livePlanHash((await planOf({ ...FILES, [`${WS}/.roo/mcp.json`]: legacyConfig({ r: { command: 'node', args: ['r.js'], disabled: true } }) })).plan);
    assert.equal(withOther, base);
  });

  it('changes when a command, an argument or an env value changes in the file', async () => {
    const base = await planOf(FILES);
    const variants: Record<string, Files> = {
      command: { ...FILES, [LEGACY]: FILES[LEGACY]!.replace('"command": "npx"', '"command": "bunx"') },
      arg: { ...FILES, [LEGACY]: FILES[LEGACY]!.replace('server-filesystem@2025.8.21', 'server-filesystem@2026.1.1') },
      'env value': { ...FILES, [LEGACY]: FILES[LEGACY]!.replace('"MODE": "ro"', '"MODE": "rw"') },
      'header value': { ...FILES, [VSCODE]: FILES[VSCODE]!.replace(HEADER_SECRET, randomAlnum(40, 99)) },
      'global env value': { ...FILES, [GLOBAL_LEGACY]: FILES[GLOBAL_LEGACY]!.replace('"B": "1"', '"B": "2"') },
    };
    const seen = new Set([livePlanHash(base.plan)]);
    for (const [what, files] of Object.entries(variants)) {
      assert.notDeepEqual(files, FILES, what);
      const { plan } = await planOf(files);
      const h = livePlanHash(plan);
      assert.ok(!seen.has(h), `${what} changes the hash`);
      seen.add(h);
      if (what.includes('value')) assert.deepEqual(plan.servers, base.plan.servers, `${what}: only the file hash tells`);
    }
  });

  it('changes when a disabled server is enabled', async () => {
    const base = livePlanHash((await planOf(FILES)).plan);
    const enabled = await planOf({ ...FILES, [LEGACY]: FILES[LEGACY]!.replace('"disabled": true', '"disabled": false') });
    assert.ok(enabled.plan.servers.some((s) => s.name === 'off'));
    assert.notEqual(livePlanHash(enabled.plan), base);
  });
});

describe('describeLivePlan', () => {
  it('one line per server with what runs, env names, the limits', async () => {
    const { plan } = await planOf(FILES);
    const text = describeLivePlan(plan);
    assert.match(text, /^Live assessment will start or connect to 3 MCP server\(s\) \(timeout 30 s each, 4 at a time\):$/m);
    assert.match(text, /^- fs runs: npx -y @modelcontextprotocol\/server-filesystem@2025\.8\.21 \. with env API_TOKEN, MODE$/m);
    assert.match(text, /^- g runs: node g\.js with env A, B$/m);
    assert.match(text, /^- remote connects to: https:\/\/x\.example\.com\/mcp$/m);
    for (const s of [ENV_SECRET, HEADER_SECRET]) assert.ok(!text.includes(s));
  });

  it('nothing to start', () => {
    assert.equal(describeLivePlan({ workspace: WS, includeGlobal: false, servers: [], files: [], timeoutMs: 30_000, concurrency: 4 }), 'No configured server would be started.');
  });

  it('masks secrets in arguments', async () => {
    const files: Files = {
      [LEGACY]: legacyConfig({
        a: { command: 'node', args: ['srv.js', '--api-key', OPENAI_KEY] },
        b: { command: 'npx', args: ['-y', 'gh-mcp@1.0.0', `--token=${GITHUB_PAT}`] },
        c: { command: 'bash', args: ['-c', `GITHUB_TOKEN=${GITHUB_PAT} exec gh-mcp`] },
        d: { command: 'node', args: ['s.js', GITHUB_PAT] },
      }),
    };
    const r = await assessFiles(files);
    const { plan } = buildLivePlan({ workspace: WS, includeGlobal: false, model: r.model, texts: r.texts });
    const text = describeLivePlan(plan);
    for (const s of [OPENAI_KEY, GITHUB_PAT]) {
      assert.ok(!JSON.stringify(plan).includes(s), 'the plan itself (sent to the MCP client) holds no secret');
      assert.ok(!text.includes(s), `no secret in:\n${text}`);
      assert.ok(!text.includes(s.slice(8, 24)), `no piece of a secret in:\n${text}`);
    }
    assert.match(text, /^- a runs: node srv\.js --api-key \S*(…|\*{4})\S*$/m);
    assert.match(text, /^- d runs: node s\.js ghp_…/m);
  });

  it('masks a credential in a remote server\'s URL (query parameter, user:password)', async () => {
    const key = randomAlnum(24, 5155);
    const files: Files = { [VSCODE]: vscodeConfig({ q: { type: 'http', url: `https://x.example.com/mcp?api_key=${key}` }, p: { type: 'http', url: `https://bob:${key}@y.example.com/mcp` } }) };
    const r = await assessFiles(files);
    const text = describeLivePlan(buildLivePlan({ workspace: WS, includeGlobal: false, model: r.model, texts: r.texts }).plan);
    assert.ok(!text.includes(key), text);
    assert.match(text, /^- q connects to: https:\/\/x\.example\.com\/mcp\?api_key=\S+$/m);
    assert.match(text, /^- p connects to: https:\/\/bob:\S+@y\.example\.com\/mcp$/m);
  });
});
