/**
 * The coordinator fires onServerHealth on every health update (pings, calls in flight) but audits only a
 * change of state or circuit; this passes only those, so a busy server does not make the panel read.
 */
export function healthChanges(): (h: { server: string; state: string; breaker: string }) => boolean {
  const last = new Map<string, string>();
  return (h) => {
    const key = `${h.state}/${h.breaker}`;
    if (last.get(h.server) === key) return false;
    last.set(h.server, key);
    return true;
  };
}
