import { hashCanonical, HASH_TAGS } from '../crypto/hash';
import type { PinnedDefinition } from './lock-schema';

/** A tool as a probe lists it (structurally `ProbedTool`); only the pinned fields are read. */
export interface ToolLike {
  name: string;
  description?: string | undefined;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown> | undefined;
}

/** Deeper than this, a definition is not pinned (hashing and diffing recurse): a real schema is a few levels deep. */
export const MAX_DEFINITION_DEPTH = 128;

/** The pinned part of a tool: name, description, input schema, annotations (absent ones left out). */
export function pinnedDefinition(tool: ToolLike): PinnedDefinition {
  const d: PinnedDefinition = { name: tool.name, inputSchema: tool.inputSchema };
  if (tool.description !== undefined) d.description = tool.description;
  if (tool.annotations !== undefined) d.annotations = tool.annotations;
  return d;
}

/**
 * SHA-256 over the canonical JSON of the tool's name, description, input schema and annotations,
 * domain-separated (`HASH_TAGS.toolDefinition`): the same definition in any key order or spacing
 * hashes the same. Throws a TypeError for a value that is not JSON or nests deeper than
 * `MAX_DEFINITION_DEPTH` (see `isPinnable`).
 */
export function toolDefinitionHash(tool: ToolLike): string {
  const d = pinnedDefinition(tool);
  if (depthOf(d) > MAX_DEFINITION_DEPTH) throw new TypeError(`tool definition nested deeper than ${MAX_DEFINITION_DEPTH}`);
  return hashCanonical(HASH_TAGS.toolDefinition, d);
}

/** The hash, or undefined when the definition cannot be pinned (not JSON, or too deep). */
export function tryToolDefinitionHash(tool: ToolLike): string | undefined {
  try {
    return toolDefinitionHash(tool);
  } catch {
    return undefined;
  }
}

/** Nesting depth of a JSON value, iteratively (a hostile value must not overflow the stack here). */
export function depthOf(value: unknown, limit = MAX_DEFINITION_DEPTH + 1): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max >= limit) return max;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}
