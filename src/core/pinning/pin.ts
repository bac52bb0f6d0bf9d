import { pinnedDefinition, tryToolDefinitionHash } from './definition-hash';
import type { PinProbe } from './compare';
import type { LockFile, PinnedServer, PinnedTool } from './lock-schema';

export interface PinOptions {
  /** Pin only these server names (default: every reachable server probed). */
  servers?: readonly string[];
}

/**
 * The lock after pinning the current tools of the probed servers: a new object, `lock` untouched.
 * Unreachable servers, servers not selected and servers not probed keep their entries; a server
 * whose tools did not change keeps its entry as it was (`pinnedAt` included), so re-pinning an
 * unchanged server changes no byte. Tools that cannot be hashed are left out (and keep being
 * reported as unpinnable). When one server name is probed twice, the first reachable probe wins.
 */
export function pinTools(lock: LockFile | undefined, probes: readonly PinProbe[], now: Date, opts: PinOptions = {}): LockFile {
  const servers: Record<string, PinnedServer> = {};
  for (const [name, entry] of Object.entries(lock?.servers ?? {})) define(servers, name, entry);
  const wanted = opts.servers === undefined ? undefined : new Set(opts.servers);
  const done = new Set<string>();
  for (const probe of probes) {
    if (probe.status === 'unreachable' || done.has(probe.serverName)) continue;
    if (wanted !== undefined && !wanted.has(probe.serverName)) continue;
    done.add(probe.serverName);
    const tools: Record<string, PinnedTool> = {};
    for (const tool of probe.tools) {
      if (Object.hasOwn(tools, tool.name)) continue;
      const sha256 = tryToolDefinitionHash(tool);
      if (sha256 !== undefined) define(tools, tool.name, { sha256, definition: pinnedDefinition(tool) });
    }
    const previous = Object.hasOwn(servers, probe.serverName) ? servers[probe.serverName] : undefined;
    if (previous !== undefined && sameHashes(previous.tools, tools)) continue;
    define(servers, probe.serverName, { pinnedAt: now.toISOString(), tools });
  }
  return { version: 1, servers };
}

function sameHashes(a: Record<string, PinnedTool>, b: Record<string, PinnedTool>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && b[k]?.sha256 === a[k]?.sha256);
}

/** Sets an own property even for `__proto__` (a server or tool may be called that). */
function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
