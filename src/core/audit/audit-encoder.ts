import { hash as oneShotHash } from 'node:crypto';
import type { z } from 'zod';
import { canonicalJson } from '../crypto/canonical-json';
import { OversightError } from '../errors';
import type { Approver } from '../grants/grant-schema';
import { AUDIT_KINDS, AuditInputSchema, type AuditEntry, type AuditInput, type AuditSubject } from './audit-entry';
import { AUDIT_ENTRY_TAG_PREFIX, AUDIT_HASH_SUFFIX_LENGTH, AUDIT_MAX_LINE_BYTES } from './audit-line';
import { redactForAudit, redactString } from './audit-redact';
import { isSecretLikeName } from '../secrets/secret-names';

/** One encoded entry: what `append` resolves with, and its line as written: UTF-8, newline included. */
export interface EncodedAuditEntry {
  entry: AuditEntry;
  bytes: Buffer;
}

/** The tag the hash starts with, as bytes (ASCII). */
const TAG = Buffer.from(AUDIT_ENTRY_TAG_PREFIX, 'utf8');

/** An actor or subject as validated and redacted (frozen: entries share it) and its canonical JSON. */
interface Part<T> {
  value: T;
  json: string;
}

const KINDS: ReadonlySet<string> = new Set(AUDIT_KINDS);
const SUBJECT_KEYS: ReadonlySet<string> = new Set(['type', 'id', 'server']);
const { actor: ActorInput, subject: SubjectInput, payload: PayloadInput } = AuditInputSchema.shape;
/** The longest fields a reader accepts (ApproverSchema, AuditSubjectSchema). */
const ACTOR_MAX = { id: 256, label: 256, provider: 64 } as const;
const SUBJECT_MAX = 256;

/**
 * Turns what a caller hands `AuditLog.append` into its line: validated (AuditInputSchema), secrets
 * replaced (redactForAudit), canonical JSON with the hash spliced in (the bytes `encodeAuditLine` makes,
 * which a test holds it to). It runs for every entry, at HTTP API request rates among others, so an
 * actor or subject seen before is not validated, redacted and serialised again: both are kept, by
 * content, in a small cache (a few hundred distinct people and paths; cleared when it fills).
 */
export class AuditEntryEncoder {
  private readonly actors = new Map<string, Part<Approver>>();
  private readonly subjects = new Map<string, Part<AuditSubject>>();
  /** Frozen actors and subjects by identity: one that cannot change needs no key built to be found. */
  private readonly frozenActors = new WeakMap<object, Part<Approver>>();
  private readonly frozenSubjects = new WeakMap<object, Part<AuditSubject>>();
  /** Payload keys a flat payload may be written with directly: the key's JSON, or null when it needs the general walk. */
  private readonly plainKeys = new Map<string, string | null>();
  /**
   * The last value of each flat-payload key that had no secret in it: accesses repeat most of theirs
   * (address, method, role, credential), so the token scan runs once per new value, not per entry.
   */
  private readonly lastClean = new Map<string, { value: string; json: string }>();
  /** The tag, then room for an entry's body: each is encoded to UTF-8 here once, hashed and copied out (grows to at most ~768 KiB, kept). */
  private scratch: Buffer = Buffer.alloc(0);
  /** The JSON of the last `ts` and `prevHash` seen: entries come many a millisecond, each chained on the one before. */
  private lastTs = { value: '', json: '""' };
  private lastPrev = { value: '', json: '""' };

  constructor(
    private readonly hmacKey: Uint8Array,
    private readonly maxCached = 512,
  ) {}

  /** Throws a `usage` OversightError naming the field at fault; nothing is kept for a rejected entry. */
  encode(input: AuditInput, seq: number, ts: string, prevHash: string): EncodedAuditEntry {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new OversightError('internal', `audit: seq ${seq} is not a positive integer`);
    if (input === null || typeof input !== 'object') throw rejected('', 'expected an object');
    const actor = this.actor(input.actor);
    const kind = input.kind;
    // A kind from the closed list (plain ASCII, written without escaping below).
    if (typeof kind !== 'string' || !KINDS.has(kind)) throw fromZod('kind', AuditInputSchema.shape.kind, kind);
    const subject = this.subject(input.subject);
    const payloadIn = input.payload;
    if (!isPlainRecord(payloadIn) || Object.getOwnPropertySymbols(payloadIn).length > 0) throw fromZod('payload', PayloadInput, payloadIn);
    let payload: Record<string, unknown>;
    let body: string;
    try {
      const flat = this.flatPayload(payloadIn);
      payload = flat?.value ?? redactForAudit(payloadIn, this.hmacKey);
      // The canonical key order: actor, kind, payload, prevHash, seq, subject, ts (see audit-line.ts).
      if (ts !== this.lastTs.value) this.lastTs = { value: ts, json: JSON.stringify(ts) };
      if (prevHash !== this.lastPrev.value) this.lastPrev = { value: prevHash, json: JSON.stringify(prevHash) };
      body = `{"actor":${actor.json},"kind":"${kind}","payload":${flat?.json ?? canonicalJson(payload)},"prevHash":${this.lastPrev.json},"seq":${seq},"subject":${subject.json},"ts":${this.lastTs.json}}`;
    } catch (e) {
      throw rejected('', e instanceof Error ? e.message : String(e), e);
    }
    const { hash, bytes } = this.line(body);
    // The next entry chains on this one: its prevHash is this hash (64 hex digits, nothing to escape).
    this.lastPrev = { value: hash, json: `"${hash}"` };
    return { entry: { actor: actor.value, kind, payload, prevHash, seq, subject: subject.value, ts, hash }, bytes };
  }

  /**
   * The hash of `body` (hashAuditBody: SHA-256 over the tag and the body's UTF-8) and the line as bytes:
   * the body without its final `}`, then `,"hash":"<hex>"}` and a newline (encodeAuditLine's line). The
   * body is converted to UTF-8 once, next to the tag, where a string hash and the file's Buffer would
   * each convert it again (and the hash would first join tag and body into a new string).
   */
  private line(body: string): { hash: string; bytes: Buffer } {
    // A UTF-16 code unit is at most 3 bytes of UTF-8, and never fewer than 1: a body longer than the
    // limit in code units is too large whatever it holds, and one within it fits the room made.
    if (body.length > AUDIT_MAX_LINE_BYTES) throw tooLarge();
    const room = TAG.length + body.length * 3;
    if (this.scratch.length < room) {
      this.scratch = Buffer.allocUnsafe(Math.max(room, 16 * 1024));
      TAG.copy(this.scratch);
    }
    const n = this.scratch.write(body, TAG.length, 'utf8');
    const size = n - 1 + AUDIT_HASH_SUFFIX_LENGTH;
    if (size > AUDIT_MAX_LINE_BYTES) throw tooLarge();
    const hash = oneShotHash('sha256', this.scratch.subarray(0, TAG.length + n), 'hex');
    const bytes = Buffer.allocUnsafe(size + 1);
    this.scratch.copy(bytes, 0, TAG.length, TAG.length + n - 1);
    bytes.write(`,"hash":"${hash}"}\n`, n - 1, 'latin1');
    return { hash, bytes };
  }

  /**
   * A payload of primitive values whose keys are in canonical order, none secret-like: its redacted copy
   * and canonical JSON in one pass, each property read once (what an HTTP API access is). Undefined for
   * anything else, which takes redactForAudit and canonicalJson: the same bytes (a property test holds
   * the two to it), only slower.
   */
  private flatPayload(p: Record<string, unknown>): { value: Record<string, unknown>; json: string } | undefined {
    const value: Record<string, unknown> = {};
    let json = '';
    let prev: string | undefined;
    for (const k of Object.keys(p)) {
      const v = p[k];
      if (v === undefined) continue;
      if (prev !== undefined && !(prev < k)) return undefined;
      prev = k;
      const key = this.plainKey(k);
      if (key === null) return undefined;
      let text: string;
      if (typeof v === 'string') {
        const clean = this.lastClean.get(k);
        if (clean !== undefined && clean.value === v) {
          value[k] = v;
          text = clean.json;
        } else {
          const r = redactString(v, this.hmacKey);
          value[k] = r;
          text = JSON.stringify(r);
          if (r === v) this.lastClean.set(k, { value: v, json: text });
        }
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) return undefined;
        value[k] = v;
        text = String(v); // the same as JSON.stringify for a finite number (-0 included)
      } else if (typeof v === 'boolean' || v === null) {
        value[k] = v;
        text = String(v);
      } else return undefined;
      json += `${json === '' ? '' : ','}${key}:${text}`;
    }
    return { value, json: `{${json}}` };
  }

  /** The JSON of a payload key written as it is, or null (secret-like, holds a token, or `__proto__`). */
  private plainKey(k: string): string | null {
    let key = this.plainKeys.get(k);
    if (key === undefined) {
      key = k === '__proto__' || isSecretLikeName(k) || redactString(k, this.hmacKey) !== k ? null : JSON.stringify(k);
      if (this.plainKeys.size >= this.maxCached) {
        this.plainKeys.clear();
        this.lastClean.clear();
      }
      this.plainKeys.set(k, key);
    }
    return key;
  }

  private actor(a: Approver): Part<Approver> {
    const known = a !== null && typeof a === 'object' ? this.frozenActors.get(a) : undefined;
    if (known !== undefined) return known;
    // A hit only for primitive fields of the schema's types (no String objects, getters' second answers
    // or BigInts): then the key names exactly one actor.
    if (a !== null && typeof a === 'object') {
      const { id, label, provider, verified } = a;
      if (typeof id === 'string' && typeof label === 'string' && typeof provider === 'string' && typeof verified === 'boolean') {
        const hit = this.actors.get(JSON.stringify([id, label, provider, verified]));
        if (hit) return hit;
      }
    }
    const r = ActorInput.safeParse(a);
    if (!r.success) throw zodIssue('actor', r.error);
    // Keyed by what was validated, not by a first read of the input.
    const d = r.data;
    return this.remember(this.frozenActors, a, ['id', 'label', 'provider', 'verified'], this.keep(this.actors, JSON.stringify([d.id, d.label, d.provider, d.verified]), d, clampActor));
  }

  private subject(s: AuditSubject): Part<AuditSubject> {
    const known = s !== null && typeof s === 'object' ? this.frozenSubjects.get(s) : undefined;
    if (known !== undefined) return known;
    if (s !== null && typeof s === 'object' && !Array.isArray(s)) {
      const { type, id, server } = s;
      // The schema is strict: a subject with any other key is not the one cached.
      if (typeof type === 'string' && typeof id === 'string' && (server === undefined || typeof server === 'string') && Object.keys(s).every((k) => SUBJECT_KEYS.has(k))) {
        const hit = this.subjects.get(JSON.stringify([type, id, server]));
        if (hit) return hit;
      }
    }
    const r = SubjectInput.safeParse(s);
    if (!r.success) throw zodIssue('subject', r.error);
    return this.remember(this.frozenSubjects, s, ['type', 'id', 'server'], this.keep(this.subjects, JSON.stringify([r.data.type, r.data.id, r.data.server]), r.data, clampSubject));
  }

  /**
   * Remembers `part` for the object `input` itself when that object can never answer differently: frozen,
   * every own key one of `keys`, each a data property (no getter). Then the object is its own key.
   */
  private remember<T>(cache: WeakMap<object, Part<T>>, input: unknown, keys: readonly string[], part: Part<T>): Part<T> {
    const proto: unknown = input !== null && typeof input === 'object' ? Object.getPrototypeOf(input) : undefined;
    // A plain object: a field inherited from another prototype could be a getter that answers differently later.
    if ((proto === Object.prototype || proto === null) && Object.isFrozen(input)) {
      const obj = input as object;
      const own = Reflect.ownKeys(obj);
      if (own.every((k) => typeof k === 'string' && keys.includes(k) && 'value' in (Object.getOwnPropertyDescriptor(obj, k) as PropertyDescriptor))) cache.set(obj, part);
    }
    return part;
  }

  private keep<T extends object>(cache: Map<string, Part<T>>, key: string, parsed: T, clamp: (v: T) => T): Part<T> {
    let value: T;
    let json: string;
    try {
      value = Object.freeze(clamp(redactForAudit(parsed, this.hmacKey)));
      json = canonicalJson(value);
    } catch (e) {
      throw rejected('', e instanceof Error ? e.message : String(e), e);
    }
    const part = { value, json };
    if (cache.size >= this.maxCached) cache.clear();
    cache.set(key, part);
    return part;
  }
}

/**
 * Redaction can lengthen a string (a 15-character token becomes a 21-character `hmac:` mark): cut back
 * to the lengths a reader's schema allows, or the line would be written and then refused by every
 * reader (a caller could make the log unreadable with a path of short tokens). Cut after redaction, so
 * no part of a secret is kept.
 */
function clampActor(a: Approver): Approver {
  return { id: a.id.slice(0, ACTOR_MAX.id), label: a.label.slice(0, ACTOR_MAX.label), provider: a.provider.slice(0, ACTOR_MAX.provider), verified: a.verified };
}

function clampSubject(s: AuditSubject): AuditSubject {
  return { type: s.type, id: s.id.slice(0, SUBJECT_MAX), ...(s.server === undefined ? {} : { server: s.server.slice(0, SUBJECT_MAX) }) };
}

/** What z.record accepts and redactForAudit copies: a plain object (not an array, Date, class instance). */
function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function fromZod(field: string, schema: z.ZodType, value: unknown): OversightError {
  const r = schema.safeParse(value);
  return r.success ? rejected(field, 'only plain JSON objects, arrays and primitives') : zodIssue(field, r.error);
}

function zodIssue(field: string, error: z.ZodError): OversightError {
  const i = error.issues[0];
  return rejected([field, ...(i?.path ?? [])].map(String).join('.'), i?.message ?? 'invalid');
}

function tooLarge(): OversightError {
  return rejected('', `the entry is larger than ${AUDIT_MAX_LINE_BYTES / 1024} KiB; log a summary and a hash instead`);
}

function rejected(path: string, message: string, cause?: unknown): OversightError {
  return new OversightError('usage', `audit entry rejected: ${path === '' ? '' : `${path}: `}${message}`, cause === undefined ? undefined : { cause });
}
