import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { OversightError } from '../../core/errors';
import { ROLES, RoleSchema, type Role } from '../permissions';

/**
 * API keys for automated callers: `mcpo_<id>_<secret>`, shown once at creation, stored only as the
 * SHA-256 of the whole key (the secret has 256 random bits, so a fast hash is enough), one role each,
 * revocable, with the time of last use.
 *
 * Several processes may share one store (the CLI's `apikey revoke` while `serve` runs). The contract:
 * - every change (create, revoke, flushing last-use times) is read-merge-write under the port's
 *   `exclusive` lock: the latest stored state is loaded, the one change applied, and the result saved;
 *   a change made by another process in between is never overwritten;
 * - `verify` and `list` ask the port's `version()` (a stat for the file port) at most once per
 *   `reloadIntervalMs` (default 1 s) and reload when it changed, so a key revoked elsewhere stops
 *   working within that interval. A port without `version`/`exclusive` (one process only) is fine too.
 */
export const API_KEY_PREFIX = 'mcpo_';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'; // RFC 4648 base32, lower case
const ID_LENGTH = 12;
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43; // base64url of 32 bytes, unpadded
const KEY_LENGTH = API_KEY_PREFIX.length + ID_LENGTH + 1 + SECRET_LENGTH;
const KEY_PATTERN = /^mcpo_([a-z2-7]{12})_[A-Za-z0-9_-]{43}$/;
const FILE_FORMAT_VERSION = 1;
/** Compared against when the id is unknown: no key hashes to all zeros. */
const NO_HASH = Buffer.alloc(32);

/** Printable: no control, format (bidi overrides, zero-width), private-use or unassigned characters, no line breaks. */
const PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;
const printable = (what: string, max: number) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .regex(PRINTABLE, `${what} must be printable text (no control or invisible characters)`)
    .refine((s) => s.trim() === s && s.trim().length > 0, `${what} must not start or end with spaces`);

export const ApiKeyIdSchema = z.string().regex(/^[a-z2-7]{12}$/);
export const ApiKeyNameSchema = printable('The key name', 100);
const Timestamp = z.iso.datetime();

export const ApiKeyRecordSchema = z.strictObject({
  id: ApiKeyIdSchema,
  name: ApiKeyNameSchema,
  role: RoleSchema,
  /** SHA-256 (hex) of the full key string. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: Timestamp,
  createdBy: printable('createdBy', 200).optional(),
  /** The person the key acts for (who created it, as the creator's tool knew them). */
  owner: z.strictObject({ id: z.string().min(1).max(256), label: z.string().max(256), verified: z.boolean() }).optional(),
  lastUsedAt: Timestamp.optional(),
  revokedAt: Timestamp.optional(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;
/** A record as shown outside the store: everything but the hash. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'hash'>;

const ApiKeyFileSchema = z.strictObject({ version: z.literal(FILE_FORMAT_VERSION), keys: z.array(ApiKeyRecordSchema) });

/**
 * Where the records live: a file for the CLI (`fileKeyPersistence`), SecretStorage in VS Code.
 * `load` gives undefined when nothing was ever saved.
 */
export interface ApiKeyPersistence {
  /** Names the place in error messages ("/…/store/api/api-keys.json", "VS Code secret storage"). */
  readonly location: string;
  load(): Promise<string | undefined>;
  save(text: string): Promise<void>;
  /** A cheap token that changes whenever the stored text does, also when another process saved. */
  version?(): Promise<string>;
  /** Runs `fn` holding a lock that other processes sharing the store respect. */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface ApiKeyStoreOptions {
  now?: () => Date;
  /** How often `verify`/`list` check whether another process changed the store (default 1000 ms). */
  reloadIntervalMs?: number;
  /** `touch` writes last-use times at most this often (default 60 s); `flush` writes them at once. */
  touchPersistIntervalMs?: number;
  /** Problems that must not fail a request (a background reload or flush that failed). */
  log?: (message: string) => void;
}

export interface CreatedApiKey {
  /** The key itself: show it once, it is not stored anywhere. */
  key: string;
  record: ApiKeyInfo;
}

/** Splits a presented key into its parts, or undefined when it is not shaped like one. Never throws. */
export function parseApiKey(presented: unknown): { id: string } | undefined {
  if (typeof presented !== 'string' || presented.length !== KEY_LENGTH) return undefined;
  const m = KEY_PATTERN.exec(presented);
  return m === null ? undefined : { id: m[1]! };
}

export class ApiKeyStore {
  private records = new Map<string, ApiKeyRecord>();
  private knownVersion: string | undefined;
  private lastCheckMs: number;
  private checking: Promise<void> | undefined;
  /** Last-use times not yet written: id -> epoch ms. */
  private readonly pendingLastUsed = new Map<string, number>();
  /**
   * Per record (records are replaced, never changed, so these stay true): its stored hash as bytes, and
   * what callers see of it, frozen. `verify` runs for every API request: it builds neither again.
   */
  private readonly derived = new WeakMap<ApiKeyRecord, { digest: Buffer; info: ApiKeyInfo; lastUsedMs: number }>();
  private lastFlushMs: number;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly nowMs: () => number;
  private readonly reloadIntervalMs: number;
  private readonly touchPersistIntervalMs: number;
  private readonly log: (message: string) => void;

  private constructor(
    private readonly persistence: ApiKeyPersistence,
    options: ApiKeyStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    const clock = options.now;
    // Checked on every request (reload due? last use): no Date made for it unless a test clock is set.
    this.nowMs = clock === undefined ? Date.now : () => clock().getTime();
    this.reloadIntervalMs = options.reloadIntervalMs ?? 1000;
    this.touchPersistIntervalMs = options.touchPersistIntervalMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
    this.lastCheckMs = this.now().getTime();
    this.lastFlushMs = this.lastCheckMs;
  }

  /** Loads the store; a corrupt one is an OversightError('io') naming it (keys are never dropped silently). */
  static async open(persistence: ApiKeyPersistence, options: ApiKeyStoreOptions = {}): Promise<ApiKeyStore> {
    const store = new ApiKeyStore(persistence, options);
    await store.reload();
    return store;
  }

  /** Creates a key. The returned `key` is the only copy of the secret that will ever exist. */
  async create(input: { name: string; role: Role; createdBy?: string; owner?: { id: string; label: string; verified: boolean } }): Promise<CreatedApiKey> {
    const name = checked(ApiKeyNameSchema, typeof input.name === 'string' ? input.name.trim() : input.name, 'name');
    const role = checked(RoleSchema, input.role, 'role', `The role must be one of ${ROLES.join(', ')}`);
    const createdBy = input.createdBy === undefined ? undefined : checked(ApiKeyRecordSchema.shape.createdBy, input.createdBy, 'createdBy');
    const owner = input.owner === undefined ? undefined : checked(ApiKeyRecordSchema.shape.owner, input.owner, 'owner');
    return this.mutate((records) => {
      let id = randomId();
      while (records.has(id)) id = randomId();
      const key = `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
      const record: ApiKeyRecord = { id, name, role, hash: sha256(key).toString('hex'), createdAt: this.now().toISOString(), ...(createdBy === undefined ? {} : { createdBy }), ...(owner === undefined ? {} : { owner }) };
      records.set(id, record);
      return { changed: true, result: { key, record: this.info(record) } };
    });
  }

  /** Revokes a key; revoking it again returns it unchanged. An unknown id is INVALID_ARGUMENT. */
  async revoke(id: string): Promise<ApiKeyInfo> {
    return this.mutate((records) => {
      const record = records.get(id);
      if (record === undefined) {
        throw new OversightError('INVALID_ARGUMENT', `No API key has the id ${JSON.stringify(String(id).slice(0, 40))}; list the keys to see their ids.`, { details: { id: String(id).slice(0, 40) } });
      }
      if (record.revokedAt !== undefined) return { changed: false, result: this.info(record) };
      const revoked = { ...record, revokedAt: this.now().toISOString() };
      records.set(id, revoked);
      return { changed: true, result: this.info(revoked) };
    });
  }

  /** Every key, revoked ones included, oldest first, re-read when another process changed the store. */
  async list(): Promise<ApiKeyInfo[]> {
    await this.refreshIfStale();
    return [...this.records.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).map((r) => this.info(r));
  }

  /**
   * The key's record when `presented` is a current (not revoked) key, else undefined. Never throws,
   * whatever it is given; no I/O for anything not shaped like a key. Does not record the use: call
   * `touch(id)` once the request is accepted. Its `lastUsedAt` is the stored one (`list` adds uses
   * not written yet).
   */
  async verify(presented: unknown): Promise<ApiKeyInfo | undefined> {
    try {
      const parsed = parseApiKey(presented);
      if (parsed === undefined) return undefined;
      const stale = this.refreshIfStale();
      if (stale !== undefined) await stale;
      const record = this.records.get(parsed.id);
      // The same work whether or not the id exists (ids are not secret, but there is no reason to tell).
      const matches = timingSafeEqual(sha256(presented as string), record === undefined ? NO_HASH : this.derive(record).digest);
      return matches && record !== undefined && record.revokedAt === undefined ? this.derive(record).info : undefined;
    } catch (e) {
      this.log(`API key check failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /**
   * Whether `info`, as `verify` returned it, still stands, answered without I/O: its record is still the
   * one in the store (not revoked, not replaced since) and no check of the store for changes made
   * elsewhere is due. False means "verify again" (which also runs that check), not "refused".
   */
  isCurrent(info: ApiKeyInfo): boolean {
    if (this.refreshIfStale() !== undefined) return false;
    const record = this.records.get(info.id);
    return record !== undefined && record.revokedAt === undefined && this.derived.get(record)?.info === info;
  }

  /** Notes that key `id` was just used; written at most once per `touchPersistIntervalMs`, or by `flush`. */
  touch(id: string): void {
    if (!this.records.has(id)) return;
    this.pendingLastUsed.set(id, this.nowMs());
    if (this.flushTimer !== undefined) return;
    // Clamped both ways: a clock set back must not postpone the write past one interval.
    const delay = Math.min(this.touchPersistIntervalMs, Math.max(0, this.lastFlushMs + this.touchPersistIntervalMs - this.nowMs()));
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush().catch((e: unknown) => this.log(`Could not record when API keys were last used in ${this.persistence.location}: ${e instanceof Error ? e.message : String(e)}`));
    }, delay);
    this.flushTimer.unref?.();
  }

  /** Writes pending last-use times now (on shutdown). */
  async flush(): Promise<void> {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingLastUsed.size === 0) return;
    const snapshot = new Map(this.pendingLastUsed);
    this.lastFlushMs = this.now().getTime();
    await this.mutate((records) => {
      let changed = false;
      for (const [id, at] of snapshot) {
        const record = records.get(id);
        if (record === undefined || (record.lastUsedAt !== undefined && Date.parse(record.lastUsedAt) >= at)) continue;
        records.set(id, { ...record, lastUsedAt: new Date(at).toISOString() });
        changed = true;
      }
      return { changed, result: undefined };
    });
    for (const [id, at] of snapshot) if (this.pendingLastUsed.get(id) === at) this.pendingLastUsed.delete(id);
  }

  /** Re-reads the store now. A corrupt store is an OversightError('io') and the keys loaded before stay in use. */
  async reload(): Promise<void> {
    await this.serialized(async () => {
      const { records, version } = await this.readLatest();
      this.records = records;
      this.knownVersion = version;
    });
  }

  /** A check of the store when one is due (undefined when not: no promise to wait for on every request). */
  private refreshIfStale(): Promise<void> | undefined {
    if (this.persistence.version === undefined) return undefined;
    if (this.checking !== undefined) return this.checking;
    const nowMs = this.nowMs();
    // A clock set back counts as time passed: otherwise revocations would go unseen until it caught up.
    if (nowMs >= this.lastCheckMs && nowMs - this.lastCheckMs < this.reloadIntervalMs) return undefined;
    this.lastCheckMs = nowMs;
    this.checking = (async () => {
      try {
        const version = await this.persistence.version?.();
        if (version === this.knownVersion) return;
        await this.reload().catch((e: unknown) => {
          // Keep serving the keys we have; say so once per changed version, not on every request.
          this.knownVersion = version;
          this.log(`${e instanceof Error ? e.message : String(e)} Still using the API keys loaded before.`);
        });
      } catch (e) {
        this.log(`Could not check ${this.persistence.location} for changes: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  /** One change: latest state in, `apply`, saved when it changed; under the port's cross-process lock. */
  private async mutate<T>(apply: (records: Map<string, ApiKeyRecord>) => { changed: boolean; result: T }): Promise<T> {
    return this.serialized(() =>
      this.exclusive(async () => {
        const { records, version } = await this.readLatest();
        const { changed, result } = apply(records);
        let after = version;
        if (changed) {
          await this.persistence.save(serialize(records));
          after = await this.persistence.version?.();
        }
        this.records = records;
        this.knownVersion = after;
        return result;
      }),
    );
  }

  private async readLatest(): Promise<{ records: Map<string, ApiKeyRecord>; version: string | undefined }> {
    // Version first: a save landing between the two reads makes the next check reload again, never miss it.
    const version = await this.persistence.version?.();
    const text = await this.persistence.load();
    return { records: text === undefined ? new Map() : parseStore(text, this.persistence.location), version };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.persistence.exclusive === undefined ? fn() : this.persistence.exclusive(fn);
  }

  /** One load or change at a time in this process. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The record as shown, with a use not written yet. */
  private info(record: ApiKeyRecord): ApiKeyInfo {
    const d = this.derive(record);
    const pending = this.pendingLastUsed.get(record.id);
    return pending !== undefined && pending > d.lastUsedMs ? { ...d.info, lastUsedAt: new Date(pending).toISOString() } : { ...d.info };
  }

  private derive(record: ApiKeyRecord): { digest: Buffer; info: ApiKeyInfo; lastUsedMs: number } {
    let d = this.derived.get(record);
    if (d === undefined) {
      const { hash: hex, ...rest } = record;
      if (rest.owner !== undefined) rest.owner = Object.freeze({ ...rest.owner });
      d = { digest: Buffer.from(hex, 'hex'), info: Object.freeze(rest), lastUsedMs: rest.lastUsedAt === undefined ? -Infinity : Date.parse(rest.lastUsedAt) };
      this.derived.set(record, d);
    }
    return d;
  }
}

function parseStore(text: string, location: string): Map<string, ApiKeyRecord> {
  const fix = `Fix it, or delete it to start over (deleting it revokes every API key).`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new OversightError('io', `${location} is not valid JSON (${e instanceof Error ? e.message : String(e)}). ${fix}`, { cause: e });
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > FILE_FORMAT_VERSION) {
    throw new OversightError('io', `${location} was written by a newer MCP Oversight (format ${version}); update this one.`);
  }
  const parsed = ApiKeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new OversightError('io', `${location} is not a valid API key store${where}: ${issue?.message ?? 'invalid'}. ${fix}`);
  }
  const records = new Map<string, ApiKeyRecord>();
  for (const record of parsed.data.keys) {
    if (records.has(record.id)) throw new OversightError('io', `${location} lists the API key id ${record.id} twice. ${fix}`);
    records.set(record.id, record);
  }
  return records;
}

function serialize(records: Map<string, ApiKeyRecord>): string {
  return JSON.stringify({ version: FILE_FORMAT_VERSION, keys: [...records.values()] }, null, 2) + '\n';
}

function checked<T>(schema: z.ZodType<T>, value: unknown, field: string, message?: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new OversightError('INVALID_ARGUMENT', `${message ?? r.error.issues[0]?.message ?? `Invalid ${field}`}.`, { details: { field } });
}

function randomId(): string {
  // 32 symbols divide 256 evenly: masking 5 bits keeps every symbol equally likely.
  return [...randomBytes(ID_LENGTH)].map((b) => ID_ALPHABET[b & 31]).join('');
}

function sha256(text: string): Buffer {
  // Through base64: Node 20 makes a Buffer result slowly (about 1 µs, against 0.1 µs for the string and
  // its decoding), and this runs for every request that presents a key.
  return Buffer.from(hash('sha256', text, 'base64'), 'base64');
}
