import { z } from 'zod';
import { TransportSchema } from './server';

/**
 * What a live probe saw of one configured MCP server: connected as its client would, `initialize`,
 * then the tools, prompts and resources it lists. Tool fields keep the MCP spec's names, since the
 * tool-poisoning checks read them as the model would.
 */
export const ProbedToolSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});
export type ProbedTool = z.infer<typeof ProbedToolSchema>;

export const ProbedPromptSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  arguments: z.array(z.object({ name: z.string(), description: z.string().optional(), required: z.boolean().optional() })).optional(),
});
export type ProbedPrompt = z.infer<typeof ProbedPromptSchema>;

export const ProbedResourceSchema = z.object({
  uri: z.string(),
  name: z.string(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
});
export type ProbedResource = z.infer<typeof ProbedResourceSchema>;

/** Why a server could not be assessed live. A closed union: reports and tests switch on it. */
export const UnreachableCodeSchema = z.enum([
  'timeout',
  'spawn-failed',
  'exited',
  'protocol-error',
  'too-large',
  'cancelled',
  'unresolved-reference',
  'disabled',
  'http-error',
]);
export type UnreachableCode = z.infer<typeof UnreachableCodeSchema>;

export const ProbeReasonSchema = z.object({
  code: UnreachableCodeSchema,
  /** Redacted: never holds a secret in clear. */
  message: z.string(),
});
export type ProbeReason = z.infer<typeof ProbeReasonSchema>;

export const ServerProbeSchema = z.object({
  serverId: z.string(),
  serverName: z.string(),
  file: z.string(),
  /** The transport configured. */
  transport: TransportSchema,
  status: z.enum(['ok', 'unreachable']),
  /** Set when `status` is `unreachable`. */
  reason: ProbeReasonSchema.optional(),
  serverInfo: z.object({ name: z.string(), version: z.string(), title: z.string().optional() }).optional(),
  protocolVersion: z.string().optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
  instructions: z.string().optional(),
  tools: z.array(ProbedToolSchema),
  prompts: z.array(ProbedPromptSchema),
  resources: z.array(ProbedResourceSchema),
  timings: z.object({
    /** From starting the connection (spawn or first request) to the `initialize` result. */
    initializeMs: z.number().optional(),
    /** All pages of `tools/list`. */
    toolsListMs: z.number().optional(),
    totalMs: z.number(),
  }),
  /** The last few KiB of the process's stderr, redacted; empty for remote servers. */
  stderrTail: z.string(),
  /** The transport that actually connected (a remote server may fall back from Streamable HTTP to SSE). */
  usedTransport: TransportSchema.optional(),
  /** ISO 8601. */
  startedAt: z.string(),
});
export type ServerProbe = z.infer<typeof ServerProbeSchema>;
