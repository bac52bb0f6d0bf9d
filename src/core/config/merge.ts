import type { EffectiveEntry } from '../model/config-model';
import type { McpServer } from '../model/server';
import type { ClientId, ConfigSource } from '../model/source';
import { CLIENTS } from './clients';

function loads(source: ConfigSource, client: ClientId): boolean {
  return !source.errors.some(
    (e) => e.code === 'invalid-json' || e.code === 'unreadable' || e.code === 'too-large' || (e.code === 'rejected-by-client' && e.client === CLIENTS[client].label),
  );
}

/**
 * Each client's effective view: its files in precedence order, a later (higher) file's entry
 * replacing an earlier one of the same name, as KiloCode merges project over global.
 */
export function mergeEffective(sources: readonly ConfigSource[], servers: readonly McpServer[]): EffectiveEntry[] {
  const bySource = new Map<string, McpServer[]>();
  for (const s of servers) {
    const list = bySource.get(s.sourceId);
    if (list) list.push(s);
    else bySource.set(s.sourceId, [s]);
  }
  const clients = new Map<string, { precedence: number; source: ConfigSource }[]>();
  for (const source of sources) {
    if (!source.exists) continue;
    for (const r of source.readBy) {
      // A file the client cannot parse contributes nothing to what it runs (and hides nothing).
      if (!loads(source, r.client)) continue;
      const list = clients.get(r.client) ?? [];
      list.push({ precedence: r.precedence, source });
      clients.set(r.client, list);
    }
  }
  const out: EffectiveEntry[] = [];
  for (const [client, list] of clients) {
    list.sort((a, b) => a.precedence - b.precedence);
    const byName = new Map<string, EffectiveEntry>();
    for (const { source } of list) {
      for (const server of bySource.get(source.id) ?? []) {
        const previous = byName.get(server.name);
        byName.set(server.name, {
          client: client as EffectiveEntry['client'],
          name: server.name,
          serverId: server.id,
          shadows: previous ? [...previous.shadows, previous.serverId] : [],
        });
      }
    }
    out.push(...byName.values());
  }
  return out;
}
