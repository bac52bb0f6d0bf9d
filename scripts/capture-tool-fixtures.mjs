#!/usr/bin/env node
// Captures what real MCP servers tell a model (tools, prompts, resources, instructions) into
// test/fixtures/tools/real/<name>.json, the corpus the live security checks are tuned against.
// Tests read only the committed fixtures; run this by hand to refresh them.
//
// Usage: node scripts/capture-tool-fixtures.mjs [--prefix DIR]...
//   The servers in this repo's devDependencies are always captured. With --prefix, also the official
//   servers installed there, e.g.
//     npm install --prefix /tmp/x --ignore-scripts @modelcontextprotocol/server-github …
//   Widely used third-party servers installed there are captured as well (they describe their tools
//   at length, which is what false alarms come from). Servers that need credentials get obviously
//   fake ones: they start and list tools without calling out.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const prefixes = args.flatMap((a, i) => (a === '--prefix' && args[i + 1] !== undefined ? [args[i + 1]] : []));
const OUT = join(import.meta.dirname, '..', 'test', 'fixtures', 'tools', 'real');
const scratch = mkdtempSync(join(tmpdir(), 'mcp-capture-'));
const FAKE = 'fake-value-for-capture';

const MCP = '@modelcontextprotocol/';
/** name, package, bin, args, env. */
const SERVERS = [
  ['everything', MCP + 'server-everything', 'mcp-server-everything', [], {}],
  ['memory', MCP + 'server-memory', 'mcp-server-memory', [], { MEMORY_FILE_PATH: join(scratch, 'memory.jsonl') }],
  ['filesystem', MCP + 'server-filesystem', 'mcp-server-filesystem', [scratch], {}],
  ['github', MCP + 'server-github', 'mcp-server-github', [], { GITHUB_PERSONAL_ACCESS_TOKEN: FAKE }],
  ['gitlab', MCP + 'server-gitlab', 'mcp-server-gitlab', [], { GITLAB_PERSONAL_ACCESS_TOKEN: FAKE }],
  ['puppeteer', MCP + 'server-puppeteer', 'mcp-server-puppeteer', [], {}],
  ['sequential-thinking', MCP + 'server-sequential-thinking', 'mcp-server-sequential-thinking', [], {}],
  ['brave-search', MCP + 'server-brave-search', 'mcp-server-brave-search', [], { BRAVE_API_KEY: FAKE }],
  ['slack', MCP + 'server-slack', 'mcp-server-slack', [], { SLACK_BOT_TOKEN: FAKE, SLACK_TEAM_ID: 'T00000000' }],
  ['gdrive', MCP + 'server-gdrive', 'mcp-server-gdrive', [], { GDRIVE_CREDENTIALS_PATH: join(scratch, 'gdrive.json') }],
  ['postgres', MCP + 'server-postgres', 'mcp-server-postgres', ['postgresql://localhost:1/none'], {}],
  ['google-maps', MCP + 'server-google-maps', 'mcp-server-google-maps', [], { GOOGLE_MAPS_API_KEY: FAKE }],
  ['everart', MCP + 'server-everart', 'mcp-server-everart', [], { EVERART_API_KEY: FAKE }],
  ['aws-kb-retrieval', MCP + 'server-aws-kb-retrieval', 'mcp-server-aws-kb-retrieval', [], { AWS_ACCESS_KEY_ID: FAKE, AWS_SECRET_ACCESS_KEY: FAKE, AWS_REGION: 'us-east-1' }],
  ['redis', MCP + 'server-redis', 'mcp-server-redis', ['redis://localhost:1'], {}],
  // Third-party servers, as published by their vendors.
  ['playwright', '@playwright/mcp', 'playwright-mcp', [], {}],
  ['context7', '@upstash/context7-mcp', 'context7-mcp', [], {}],
  ['notion', '@notionhq/notion-mcp-server', 'notion-mcp-server', [], { NOTION_TOKEN: FAKE }],
  ['firecrawl', 'firecrawl-mcp', 'firecrawl-mcp', [], { FIRECRAWL_API_KEY: FAKE }],
  ['tavily', 'tavily-mcp', 'tavily-mcp', [], { TAVILY_API_KEY: FAKE }],
  ['exa', 'exa-mcp-server', 'exa-mcp-server', [], { EXA_API_KEY: FAKE }],
  ['kubernetes', 'mcp-server-kubernetes', 'mcp-server-kubernetes', [], {}],
];

function binDir(pkg) {
  for (const root of [join(import.meta.dirname, '..'), ...prefixes]) {
    try {
      const manifest = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8'));
      return { root, version: manifest.version };
    } catch {
      // not installed there
    }
  }
  return undefined;
}

async function listAll(method, key, client) {
  const out = [];
  let cursor;
  for (let page = 0; page < 20; page++) {
    const r = await client[method](cursor === undefined ? {} : { cursor });
    out.push(...r[key]);
    cursor = r.nextCursor;
    if (cursor === undefined) break;
  }
  return out;
}

async function capture([name, pkg, bin, argv, env]) {
  const found = binDir(pkg);
  if (!found) return console.log(`skip ${name}: ${pkg} not installed`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(found.root, 'node_modules', '.bin', bin), ...argv],
    env: { PATH: process.env.PATH ?? '', HOME: scratch, ...env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'mcp-oversight-capture', version: '0' });
  const timer = setTimeout(() => void transport.close(), 20_000);
  try {
    await client.connect(transport);
    const caps = client.getServerCapabilities() ?? {};
    const safe = async (f) => {
      try {
        return await f();
      } catch (e) {
        console.log(`  ${name}: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }
    };
    const fixture = {
      name,
      package: pkg,
      version: found.version,
      serverInfo: client.getServerVersion(),
      instructions: client.getInstructions(),
      tools: caps.tools ? await safe(() => listAll('listTools', 'tools', client)) : [],
      prompts: caps.prompts ? await safe(() => listAll('listPrompts', 'prompts', client)) : [],
      resources: caps.resources ? await safe(() => listAll('listResources', 'resources', client)) : [],
    };
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
    console.log(`${name}: ${fixture.tools.length} tools, ${fixture.prompts.length} prompts, ${fixture.resources.length} resources`);
  } catch (e) {
    console.log(`skip ${name}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

for (const s of SERVERS) await capture(s);
rmSync(scratch, { recursive: true, force: true });
