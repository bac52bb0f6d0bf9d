import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ListPromptsResultSchema, ListResourcesResultSchema, ListToolsResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ProbedPrompt, ProbedResource, ProbedTool, ProbeReason, ServerProbe } from '../core/model/live';

/** Ends a probe with a known reason (thrown, or the reason of the probe's abort signal). */
export class ProbeFailure extends Error {
  constructor(readonly reason: ProbeReason) {
    super(reason.message);
  }
}

export type ServerContents = Pick<ServerProbe, 'serverInfo' | 'protocolVersion' | 'capabilities' | 'instructions' | 'tools' | 'prompts' | 'resources'>;

export interface ListLimits {
  /** Items per list (tools, prompts, resources) beyond which the server is `too-large`. */
  maxItems: number;
  maxPages: number;
}

/**
 * What an initialised server says it is and offers. Tools are listed when the server declares the
 * capability (as are prompts and resources), all three at once. `tools/list` goes through
 * `client.request` rather than `client.listTools`, which would compile a JSON Schema validator for
 * every tool's output schema: code generation from untrusted schemas, and time we do not need.
 */
export async function listServerContents(
  client: Client,
  protocolVersion: string | undefined,
  request: RequestOptions,
  limits: ListLimits,
  onToolsListed: (ms: number) => void,
  onIdentity: (identity: Partial<ServerContents>) => void,
): Promise<ServerContents> {
  const caps = client.getServerCapabilities() ?? {};
  const info = client.getServerVersion();
  const instructions = client.getInstructions();
  const identity: Partial<ServerContents> = { capabilities: caps as Record<string, unknown> };
  if (info) identity.serverInfo = { name: info.name, version: info.version, ...(info.title === undefined ? {} : { title: info.title }) };
  if (protocolVersion !== undefined) identity.protocolVersion = protocolVersion;
  if (instructions !== undefined) identity.instructions = instructions;
  // Kept if a list fails later: who the server is matters in the report either way.
  onIdentity(identity);

  const t = performance.now();
  const tools = caps.tools
    ? listAll('tools', limits, async (cursor) => {
        const r = await client.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } }, ListToolsResultSchema, request);
        return { items: r.tools.map(toProbedTool), nextCursor: r.nextCursor };
      }).then((list) => {
        onToolsListed(Math.round(performance.now() - t));
        return list;
      })
    : Promise.resolve([]);
  const prompts = caps.prompts
    ? listAll('prompts', limits, async (cursor) => {
        const r = await client.request({ method: 'prompts/list', params: cursor === undefined ? {} : { cursor } }, ListPromptsResultSchema, request);
        return { items: r.prompts.map(toProbedPrompt), nextCursor: r.nextCursor };
      })
    : Promise.resolve([]);
  const resources = caps.resources
    ? listAll('resources', limits, async (cursor) => {
        const r = await client.request({ method: 'resources/list', params: cursor === undefined ? {} : { cursor } }, ListResourcesResultSchema, request);
        return { items: r.resources.map(toProbedResource), nextCursor: r.nextCursor };
      })
    : Promise.resolve([]);
  const [toolList, promptList, resourceList] = await Promise.all([tools, prompts, resources]);
  return { ...identity, tools: toolList, prompts: promptList, resources: resourceList };
}

/** Follows `nextCursor` with caps on items and pages: an endless or enormous list is `too-large`. */
async function listAll<T>(what: string, limits: ListLimits, page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let pages = 0; ; pages++) {
    if (pages >= limits.maxPages) throw new ProbeFailure({ code: 'too-large', message: `the server returned more than ${limits.maxPages} pages of ${what}` });
    const r = await page(cursor);
    if (out.length + r.items.length > limits.maxItems) {
      throw new ProbeFailure({ code: 'too-large', message: `the server lists more than ${limits.maxItems} ${what} (${out.length + r.items.length} so far)` });
    }
    for (const item of r.items) out.push(item);
    if (r.nextCursor === undefined) return out;
    cursor = r.nextCursor;
  }
}

function toProbedTool(t: Tool): ProbedTool {
  const out: ProbedTool = { name: t.name, inputSchema: t.inputSchema as Record<string, unknown> };
  if (t.title !== undefined) out.title = t.title;
  if (t.description !== undefined) out.description = t.description;
  if (t.outputSchema !== undefined) out.outputSchema = t.outputSchema as Record<string, unknown>;
  if (t.annotations !== undefined) out.annotations = t.annotations as Record<string, unknown>;
  return out;
}

function toProbedPrompt(p: { name: string; description?: string | undefined; arguments?: { name: string; description?: string | undefined; required?: boolean | undefined }[] | undefined }): ProbedPrompt {
  const out: ProbedPrompt = { name: p.name };
  if (p.description !== undefined) out.description = p.description;
  if (p.arguments !== undefined) {
    out.arguments = p.arguments.map((a) => ({
      name: a.name,
      ...(a.description === undefined ? {} : { description: a.description }),
      ...(a.required === undefined ? {} : { required: a.required }),
    }));
  }
  return out;
}

function toProbedResource(r: { uri: string; name: string; description?: string | undefined; mimeType?: string | undefined }): ProbedResource {
  const out: ProbedResource = { uri: r.uri, name: r.name };
  if (r.description !== undefined) out.description = r.description;
  if (r.mimeType !== undefined) out.mimeType = r.mimeType;
  return out;
}
