import type { RenderTiming } from './webviews/diff-preview-controller';

/**
 * What `activate()` returns (`vscode.extensions.getExtension('mcp-oversight.mcp-oversight').exports`):
 * figures for the tests and benches of issue 5, nothing that changes anything.
 */
export interface OversightApi {
  /** Our code's share of activation, ms: evaluating dist/extension.js plus `activate()` (target < 50). */
  readonly activationMs: number;
  readonly activation: ActivationTiming;
  /** ms the first use took to require dist/extension-core.js; undefined while it is not loaded. */
  coreLoadMs(): number | undefined;
  /** The diff previews painted in this session, oldest first (the newest 50). */
  diffRenders(): readonly DiffRender[];
}

export interface ActivationTiming {
  /** From the first statement of dist/extension.js to its last (undefined when not run from the bundle). */
  loadMs: number | undefined;
  /** `activate()` from its first line to its last. */
  activateMs: number;
  /**
   * CPU time of the same two spans (the extension host process's user + system time, so other threads'
   * work in the meantime too; undefined when not run from the bundle). On a busy machine the wall-clock
   * figures above also count time the extension host waited for a core; this is what our code cost.
   */
  cpuMs: number | undefined;
}

/** One diff preview painted: its request and where the time went (a type only: the controller stays in the lazy core). */
export interface DiffRender extends RenderTiming {
  requestId: string;
}

/**
 * Written by the banner and footer of dist/extension.js (scripts/build.mjs): performance.now() at either end,
 * and the process's CPU time used in between.
 */
declare const __mcpOversightLoadStart: number | undefined;
declare const __mcpOversightLoadEnd: number | undefined;
declare const __mcpOversightLoadCpu: NodeJS.CpuUsage | undefined;

/** How long evaluating the bundle took, when the build's banner and footer are there. */
export function bundleLoadMs(): number | undefined {
  const start = typeof __mcpOversightLoadStart === 'number' ? __mcpOversightLoadStart : undefined;
  const end = typeof __mcpOversightLoadEnd === 'number' ? __mcpOversightLoadEnd : undefined;
  return start !== undefined && end !== undefined ? end - start : undefined;
}

/** CPU ms the bundle's evaluation used, when the build's banner and footer are there. */
export function bundleLoadCpuMs(): number | undefined {
  return typeof __mcpOversightLoadCpu === 'object' && __mcpOversightLoadCpu !== null ? cpuMs(__mcpOversightLoadCpu) : undefined;
}

export function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}
