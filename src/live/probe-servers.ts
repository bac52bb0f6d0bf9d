import type { ServerProbe } from '../core/model/live';
import type { McpServer } from '../core/model/server';
import { probeServer, type ProbeOptions } from './probe-server';

export interface ProbeServersOptions extends ProbeOptions {
  /** Servers probed at once (default 4): each may be a cold `npx` install, so not all of them. */
  concurrency?: number;
  /** Called as each probe completes (in completion order); an exception here is ignored. */
  onProgress?: (done: number, total: number, probe: ServerProbe) => void;
}

/**
 * Probes every server with bounded concurrency and returns the probes in input order. Each probe
 * has its own timeout, process group and error handling, so one server's hang, crash or flood never
 * changes another's result; cancelling `signal` ends the running probes (killing their processes)
 * and marks the ones not yet started as cancelled.
 */
export async function probeServers(servers: readonly McpServer[], opts: ProbeServersOptions): Promise<ServerProbe[]> {
  const { concurrency = 4, onProgress, ...probeOpts } = opts;
  const out = new Array<ServerProbe>(servers.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < servers.length; i = next++) {
      const server = servers[i];
      if (server === undefined) continue;
      const probe = await probeServer(server, probeOpts);
      out[i] = probe;
      done++;
      try {
        onProgress?.(done, servers.length, probe);
      } catch {
        // A progress callback must not lose the results of the others.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, servers.length)) }, worker));
  return out;
}
