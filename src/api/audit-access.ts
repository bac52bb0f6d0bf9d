import type { AuditInput } from '../core/audit/audit-entry';
import { findKnownSecrets } from '../core/secrets/detect-secrets';
import type { Actor } from '../core/coordination/messages';
import type { Principal } from './permissions';

/** Who an unauthenticated request is recorded as. */
export const ANONYMOUS: Actor = Object.freeze({ id: 'anonymous', label: 'unauthenticated caller', provider: 'api', verified: false });

/**
 * The actor an API principal is recorded as: the person behind the credential (so four-eyes compares
 * people, not credentials), verified only when the credential's issuer had verified them. An API key
 * is never a verified person: whoever holds it acts, not necessarily whoever made it.
 */
export function principalActor(p: Principal): Actor {
  const known = actors.get(p);
  if (known !== undefined) return known;
  const actor = Object.freeze(actorOf(p));
  // A frozen principal (the authenticator's) cannot change: its actor is built once, and the audit
  // encoder then knows the frozen actor by identity.
  if (Object.isFrozen(p) && (p.owner === undefined || Object.isFrozen(p.owner))) actors.set(p, actor);
  return actor;
}

const actors = new WeakMap<Principal, Actor>();

function actorOf(p: Principal): Actor {
  const owner = p.owner ?? { id: p.id, label: p.label, verified: false };
  const via = p.via === 'api-key' ? `API key "${p.label}"` : p.via === 'oauth' ? 'OAuth token' : 'API token';
  return {
    id: cut(owner.id, 256),
    label: cut(`${owner.label} via ${via} (${p.role})`, 256),
    provider: p.via === 'oauth' ? 'oauth' : 'api',
    verified: p.via !== 'api-key' && owner.verified,
  };
}

export interface AccessRecord {
  requestId: string;
  method: string;
  path: string;
  status: number;
  ip: string;
  ms: number;
  principal?: Principal;
  /** The error code of a refused or failed request. */
  code?: string;
  /** Why a credential was refused (never the credential). */
  reason?: string;
}

/** One `api.access` entry. Only the path: a query string can carry anything, so it is never recorded. */
export function accessEntry(a: AccessRecord): AuditInput {
  // One literal with its keys in canonical (sorted) order, absent ones undefined (left out of the entry):
  // this runs for every request, and the audit encoder then writes it without copying or sorting.
  const p = a.principal;
  const payload: Record<string, unknown> = {
    code: a.code || undefined,
    credentialId: p?.id,
    ip: a.ip,
    method: a.method.slice(0, 16),
    ms: Math.round(a.ms * 10) / 10,
    reason: a.reason ? a.reason.slice(0, 64) : undefined,
    requestId: a.requestId,
    role: p?.role,
    status: a.status,
    via: p?.via,
  };
  return { actor: a.principal ? principalActor(a.principal) : ANONYMOUS, kind: 'api.access', subject: apiSubject(a.path), payload };
}

/** Frozen subjects of the paths seen lately (a few endpoints, or a scan of many: then cleared when full). */
const subjects = new Map<string, Readonly<{ type: 'api'; id: string }>>();

function apiSubject(path: string): Readonly<{ type: 'api'; id: string }> {
  let s = subjects.get(path);
  if (s === undefined) {
    s = Object.freeze({ type: 'api' as const, id: cut(path, 256) });
    if (subjects.size >= 256) subjects.clear();
    subjects.set(path, s);
  }
  return s;
}

/**
 * Rate-limited requests are recorded once per key per window, with how many more were refused since:
 * every refusal is counted in the trail, and a flood cannot grow the log one line per request.
 */
export class RateLimitRecorder {
  private readonly windows = new Map<string, { until: number; suppressed: number; ip: string; principal?: Principal }>();

  constructor(
    private readonly record: (e: AuditInput) => void,
    private readonly windowMs = 60_000,
  ) {}

  refused(key: string, scope: 'ip' | 'principal', ip: string, path: string, nowMs: number, principal?: Principal): void {
    const w = this.windows.get(key);
    if (w !== undefined && nowMs < w.until) {
      w.suppressed++;
      return;
    }
    if (this.windows.size > 10_000) this.flush(nowMs);
    this.record(this.entry(scope, ip, path, w?.suppressed ?? 0, principal));
    this.windows.set(key, { until: nowMs + this.windowMs, suppressed: 0, ip, ...(principal ? { principal } : {}) });
  }

  /** Records the counts of windows that ended (all of them when `nowMs` is Infinity, at shutdown). */
  flush(nowMs = Infinity): void {
    for (const [key, w] of this.windows) {
      if (nowMs < w.until) continue;
      if (w.suppressed > 0) this.record(this.entry(key.startsWith('ip:') ? 'ip' : 'principal', w.ip, '(window end)', w.suppressed, w.principal));
      this.windows.delete(key);
    }
  }

  private entry(scope: 'ip' | 'principal', ip: string, path: string, refusedSinceLast: number, principal?: Principal): AuditInput {
    return {
      actor: principal ? principalActor(principal) : { id: cut(`ip:${ip}`, 256), label: cut(`client at ${ip}`, 256), provider: 'api', verified: false },
      kind: 'api.rate-limited',
      subject: { type: 'api', id: cut(path, 256) },
      payload: { scope, ip, refusedSinceLast },
    };
  }
}

/**
 * `text` cut to `max` characters, never through a credential: the audit log replaces whole secrets with
 * keyed hashes, and the end of one cut off (a key pasted into a long path) would no longer look like one
 * and be kept verbatim. One that straddles the cut is dropped whole.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let at = max;
  for (const f of findKnownSecrets(text)) if (f.start < at && f.end > at) at = f.start;
  return text.slice(0, at);
}
