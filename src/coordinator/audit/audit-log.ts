import { createPublicKey, type KeyObject } from 'node:crypto';
import { ftruncateSync } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { keyFingerprint, signCheckpoint, encodeCheckpointLine } from '../../core/audit/audit-checkpoint';
import { GENESIS_HASH, SYSTEM_ACTOR, type AuditEntry, type AuditInput } from '../../core/audit/audit-entry';
import type { Approver } from '../../core/grants/grant-schema';
import { AuditEntryEncoder, type EncodedAuditEntry } from '../../core/audit/audit-encoder';
import { AuditQuerySchema, type AuditQuery } from '../../core/audit/audit-query';
import { OversightError } from '../../core/errors';
import { acquireAuditLock, type AuditLock } from './audit-lock';
import { CHECKPOINTS_FILE, ioError, listSegments, readManifest, RETENTION_FILE, segmentName, syncDir, writeAll, writeAllSync, writeManifest, type Manifest, type SegmentFile } from './audit-files';
import { queryAudit, readNewest } from './audit-reader';
import { dropTornLine, readSegmentState, recoverTornTail, sealUnindexed, type TornTail } from './audit-recovery';
import { readLastCheckpointSeq } from './audit-checkpoints-file';
import { pruneSegments, RetentionSchedule, type PruneResult } from './audit-retention';

export { verifyAuditStore } from './verify-store';
export type { AuditQuery } from '../../core/audit/audit-query';
export type { AuditVerifyReport } from '../../core/audit/audit-verify';
export type { PruneResult } from './audit-retention';

export interface AuditLogOptions {
  dir: string;
  signingKey: KeyObject;
  hmacKey: Buffer;
  /** A signed checkpoint after this many entries (and at close). Default 1000. */
  checkpointEvery?: number;
  /** Rotation: a new segment after this many entries (default 10,000) or bytes (default 8 MiB). */
  segmentMaxEntries?: number;
  segmentMaxBytes?: number;
  now?: () => Date;
  /** fdatasync what is written (pipelined behind the writes) before resolving durable appends. Default true; false only for tests and benches. */
  durable?: boolean;
  /**
   * While no append waits for the disk (every one asked only `until: 'written'`), an fdatasync starts at
   * most this often (default 10 ms): each costs the kernel a journal commit, so syncing nonstop behind
   * a stream of written-only entries cost more CPU than serving them. An append that waits for the disk,
   * a query, a checkpoint or close starts the sync at once.
   */
  lazySyncMs?: number;
  /**
   * Retention: sealed segments whose every entry is older than this many days are deleted (see
   * `prune`); 0 or absent keeps everything. Applied at open (in the background), then daily and after
   * each rotation.
   */
  retentionDays?: number;
  /** What each retention run did, or why it failed (the coordinator logs it). */
  onRetention?: (outcome: { result: PruneResult } | { error: unknown }) => void;
}

interface Pending extends EncodedAuditEntry {
  resolve(e: AuditEntry): void;
  reject(e: unknown): void;
  /** Resolved once written, not once synced (`until: 'written'`). */
  early: boolean;
}

export interface AppendOptions {
  /**
   * When `append` resolves. `durable` (default): the entry is on disk (fdatasync), and survives a power
   * loss. `written`: the entry is written to its file (the operating system has it: a crash of this
   * process loses nothing; a power loss or kernel crash can lose what no sync had covered yet: while
   * nobody waits for the disk, syncs start at most every `lazySyncMs`, 10 ms by default, and take as
   * long as the disk needs). The entry joins the next sync either way.
   */
  until?: 'durable' | 'written';
}

/**
 * The append-only, hash-chained, checkpointed audit log (docs/AUDIT.md). One writer per folder (a lock
 * file); appends are serialised in call order and group-committed: all appends made in one turn of the
 * event loop go out together in one (synchronous) write. Writing and syncing are a pipeline: while one
 * fdatasync runs, the next batches are written; the next fdatasync covers all of them.
 */
export class AuditLog {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  /** The sync loop while it runs; appends waiting for the next fdatasync. */
  private syncing: Promise<void> | undefined;
  private awaitingSync: Pending[] = [];
  /** Seq and hash of the last entry written to its file (synced or not). */
  private written: { seq: number; hash: string };
  private checkpointing: Promise<void> = Promise.resolve();
  /** Seq and hash of the last entry handed out (chained on by the next append). */
  private tail: { seq: number; hash: string };
  /** Seq and hash of the last durable entry. */
  private head: { seq: number; hash: string };
  private lastCheckpointSeq: number;
  private checkpointQueuedSeq = 0;
  private failed: OversightError | undefined;
  private closing: Promise<void> | undefined;
  private seg: { file: SegmentFile; fh: FileHandle | undefined; entries: number; bytes: number; minTs: string | undefined; maxTs: string | undefined };
  private checkpointsFh: FileHandle | undefined;
  /** One prune at a time (never rejects); close waits for it. */
  private pruning: Promise<unknown> = Promise.resolve();
  private readonly retention: RetentionSchedule;
  /** segments.json writes in order (rotation adds, pruning removes). */
  private manifestWrite: Promise<unknown> = Promise.resolve();
  private readonly publicKey: KeyObject;
  private readonly counters = { appends: 0, batches: 0, writes: 0, syncs: 0, checkpoints: 0 };
  private readonly fingerprint: string;
  private readonly checkpointEvery: number;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => Date;
  private readonly durable: boolean;
  private readonly lazySyncMs: number;
  /** Ends the sync loop's pause early (see lazySyncMs); set while it pauses. */
  private wakeSync: (() => void) | undefined;
  private lastSyncAt = -Infinity;
  /** Callers waiting for everything written to be synced (idle, rotation): the sync loop does not pause for them. */
  private hurried = 0;
  private readonly encoder: AuditEntryEncoder;
  private lastTs = { ms: NaN, iso: '' };

  private constructor(
    private readonly opts: AuditLogOptions,
    private readonly lock: AuditLock,
    private manifest: Manifest,
    state: { head: { seq: number; hash: string }; lastCheckpointSeq: number; seg: AuditLog['seg'] },
  ) {
    this.head = state.head;
    this.written = { ...state.head };
    this.tail = { ...state.head };
    this.lastCheckpointSeq = state.lastCheckpointSeq;
    this.seg = state.seg;
    this.fingerprint = keyFingerprint(opts.signingKey);
    this.publicKey = createPublicKey(opts.signingKey);
    this.checkpointEvery = opts.checkpointEvery ?? 1000;
    this.maxEntries = opts.segmentMaxEntries ?? 10_000;
    this.maxBytes = opts.segmentMaxBytes ?? 8 * 1024 * 1024;
    this.now = opts.now ?? (() => new Date());
    this.durable = opts.durable ?? true;
    this.lazySyncMs = opts.lazySyncMs ?? 10;
    this.encoder = new AuditEntryEncoder(opts.hmacKey);
    // A scheduled run that starts once the log is closing is skipped (shutdown does not wait for a prune).
    this.retention = new RetentionSchedule({ days: opts.retentionDays ?? 0, now: this.now, prune: (cutoff, started) => this.queuePrune(cutoff, SYSTEM_ACTOR, started), report: opts.onRetention });
  }

  /** Opens (or creates) the log: takes the writer lock, recovers a torn tail (and records it), finds the head. */
  static async open(opts: AuditLogOptions): Promise<AuditLog> {
    const durable = opts.durable ?? true;
    const now = opts.now ?? (() => new Date());
    await mkdir(opts.dir, { recursive: true, mode: 0o700 }).catch((e: unknown) => {
      throw ioError(`could not create the audit folder ${opts.dir}`, e);
    });
    const lock = await acquireAuditLock(opts.dir);
    try {
      const segments = await listSegments(opts.dir);
      let torn: TornTail | undefined;
      const last = segments[segments.length - 1];
      if (last) torn = await recoverTornTail(opts.dir, last, durable, now());
      await dropTornLine(opts.dir, CHECKPOINTS_FILE, durable);
      await dropTornLine(opts.dir, RETENTION_FILE, durable);
      const manifest = await readManifest(opts.dir);
      await sealUnindexed(opts.dir, segments, manifest, durable);
      // The head is the last entry of the last segment that has one (a new segment may still be empty).
      let head = { seq: 0, hash: GENESIS_HASH };
      let seg: AuditLog['seg'] = { file: { name: segmentName(1), path: join(opts.dir, segmentName(1)), firstSeq: 1 }, fh: undefined, entries: 0, bytes: 0, minTs: undefined, maxTs: undefined };
      for (let i = segments.length - 1; i >= 0; i--) {
        const file = segments[i] as SegmentFile;
        const st = await readSegmentState(file);
        if (i === segments.length - 1) seg = { file, fh: undefined, entries: st.entries, bytes: st.bytes, minTs: st.minTs, maxTs: st.maxTs };
        if (st.entries > 0) {
          head = st.head;
          break;
        }
      }
      const log = new AuditLog(opts, lock, manifest, { head, lastCheckpointSeq: await readLastCheckpointSeq(opts.dir), seg });
      if (torn) await log.append({ actor: SYSTEM_ACTOR, kind: 'audit.torn-line', subject: { type: 'audit', id: torn.segment }, payload: { ...torn } });
      log.retention.start();
      return log;
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  /** What group commit achieved: appends per write and per fdatasync (tests and the bench read it). */
  get stats(): { appends: number; batches: number; writes: number; syncs: number; checkpoints: number } {
    return { ...this.counters };
  }

  /** Seq and hash of the last durable entry (seq 0 for an empty log). */
  get headEntry(): { seq: number; hash: string } {
    return { ...this.head };
  }

  /**
   * Appends one entry; resolves once it is durable (or only written: see AppendOptions). Secrets in the
   * payload (and token shapes anywhere) are replaced by keyed hashes before it is hashed. Invalid input
   * is a `usage` error and takes no seq.
   */
  append(input: AuditInput, options?: AppendOptions): Promise<AuditEntry> {
    if (this.closing) return Promise.reject(new OversightError('io', 'the audit log is closed'));
    return this.enqueue(input, options?.until === 'written');
  }

  /** `append` minus the closed check: a prune that `close` waits for still records itself. */
  private enqueue(input: AuditInput, early = false): Promise<AuditEntry> {
    if (this.failed) return Promise.reject(this.failed);
    let encoded: EncodedAuditEntry;
    try {
      encoded = this.encoder.encode(input, this.tail.seq + 1, this.timestamp(), this.tail.hash);
    } catch (e) {
      return Promise.reject(e);
    }
    this.tail = { seq: encoded.entry.seq, hash: encoded.entry.hash };
    return new Promise<AuditEntry>((resolve, reject) => {
      this.pending.push({ entry: encoded.entry, bytes: encoded.bytes, resolve, reject, early });
      this.kick();
    });
  }

  /** Now as an entry's `ts`; with the real clock, formatted once per millisecond (appends come thousands a second). */
  private timestamp(): string {
    if (this.opts.now !== undefined) return this.now().toISOString();
    const ms = Date.now();
    if (ms !== this.lastTs.ms) this.lastTs = { ms, iso: new Date(ms).toISOString() };
    return this.lastTs.iso;
  }

  /**
   * Starts the flush loop unless it runs; an append that lands as the loop is ending restarts it. The
   * loop starts after the current turn of the event loop, so every append made in it (all the requests
   * one read of the sockets delivered) goes out in one write.
   */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.flushLoop()).finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0) this.kick();
    });
  }

  /** Signs the current head into `checkpoints.jsonl` (after every append made before this call is durable). */
  async checkpoint(): Promise<void> {
    await this.idle();
    await this.queueCheckpoint();
  }

  /** The newest `n` durable entries, newest first. */
  async newest(n: number): Promise<AuditEntry[]> {
    await this.idle();
    return readNewest(this.opts.dir, n);
  }

  /** Entries matching the query, newest first (see AuditQuery). */
  async query(q: AuditQuery): Promise<AuditEntry[]> {
    const r = AuditQuerySchema.safeParse(q);
    if (!r.success) throw new OversightError('usage', `audit query rejected: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    await this.idle();
    return queryAudit(this.opts.dir, r.data);
  }

  /**
   * Deletes whole sealed segments whose every entry is older than `cutoff`, signed anchor first, and
   * records an `audit.pruned` entry by `actor` (see `pruneSegments`; AUDIT_BROKEN when the segments to
   * go do not verify). One prune at a time.
   */
  prune(cutoff: Date, actor: Approver = SYSTEM_ACTOR): Promise<PruneResult> {
    if (this.closing) return Promise.reject(new OversightError('io', 'the audit log is closed'));
    return this.queuePrune(() => cutoff, actor);
  }

  /** Applies `retentionDays` now (nothing when 0). Never rejects: the outcome goes to `onRetention`. */
  applyRetention(): Promise<PruneResult | undefined> {
    return this.closing ? Promise.resolve(undefined) : this.retention.run();
  }

  /** Resolves once no prune is running or queued (tests; close waits for it itself). */
  async retentionIdle(): Promise<void> {
    for (let p = this.pruning; ; p = this.pruning) {
      await p;
      if (p === this.pruning) return;
    }
  }

  private queuePrune(cutoff: () => Date, actor: Approver): Promise<PruneResult>;
  private queuePrune(cutoff: () => Date, actor: Approver, scheduled: () => void): Promise<PruneResult | undefined>;
  private queuePrune(cutoff: () => Date, actor: Approver, scheduled?: () => void): Promise<PruneResult | undefined> {
    const run = this.pruning.then(() => {
      scheduled?.();
      return scheduled && this.closing ? undefined : this.pruneNow(cutoff(), actor);
    });
    this.pruning = run.catch(() => undefined);
    return run;
  }

  private async pruneNow(asked: Date, actor: Approver): Promise<PruneResult> {
    await this.idle();
    // Nothing is newer than now: a later cutoff means the same, and an anchor never names a future time.
    const now = this.now();
    const cutoff = asked > now ? now : asked;
    const { result, payload } = await pruneSegments({
      ...{ dir: this.opts.dir, publicKey: this.publicKey, signingKey: this.opts.signingKey, fingerprint: this.fingerprint, now: this.now, durable: this.durable, cutoff },
      position: () => ({ head: this.head, active: this.seg.file.name }),
      checkpoint: () => this.checkpoint(),
      unindex: (files) => this.updateManifest((m) => ({ version: 1, sealed: m.sealed.filter((x) => !files.includes(x.file)) })),
    });
    if (payload) await this.enqueue({ actor, kind: 'audit.pruned', subject: { type: 'audit', id: 'retention' }, payload });
    return result;
  }

  /** Changes segments.json, one write at a time, in the order asked. */
  private updateManifest(change: (m: Manifest) => Manifest): Promise<void> {
    const run = this.manifestWrite.then(async () => {
      this.manifest = change(this.manifest);
      await writeManifest(this.opts.dir, this.manifest, this.durable);
    });
    this.manifestWrite = run.catch(() => undefined);
    return run;
  }

  /** Waits for a running prune and pending appends, writes the shutdown checkpoint, closes files, releases the lock. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.retention.stop();
      try {
        await this.retentionIdle();
        await this.idle();
        if (!this.failed) await this.queueCheckpoint();
      } finally {
        // A log that failed (a write it could not cut back, a failed sync) still has entries acknowledged
        // as written that no sync covered: one last try to put them on disk (torn bytes after them are
        // kept aside when it is reopened).
        if (this.durable && this.failed && this.written.seq > this.head.seq) await this.seg.fh?.datasync().catch(() => undefined);
        await this.seg.fh?.close().catch(() => undefined);
        await this.checkpointsFh?.close().catch(() => undefined);
        this.seg.fh = undefined;
        this.checkpointsFh = undefined;
        await this.lock.release();
      }
    })();
    return this.closing;
  }

  /** Resolves once nothing is being written or synced (and no checkpoint is being written). */
  private async idle(): Promise<void> {
    await this.urgently(async () => {
      for (;;) {
        if (this.flushing) await this.flushing;
        else if (this.syncing) await this.syncing;
        else break;
      }
    });
    await this.checkpointing;
  }

  /** Runs `f` with the sync loop not pausing (see lazySyncMs): someone waits for everything to be on disk. */
  private async urgently(f: () => Promise<void>): Promise<void> {
    this.hurried++;
    this.wakeSync?.();
    try {
      await f();
    } finally {
      this.hurried--;
    }
  }

  private async flushLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.pending.length);
      this.counters.batches++;
      // After a failed sync nothing more goes on top of it (not even an append that only waits for its write).
      if (this.failed) {
        this.failBatch(batch, this.failed);
        continue;
      }
      try {
        await this.writeBatch(batch);
      } catch (e) {
        this.failBatch(batch, e);
        continue;
      }
      // A sync that failed while this batch was being written: the batch sits on top of it, unacknowledged.
      if (this.failed) {
        this.failBatch(batch, this.failed);
        continue;
      }
      this.counters.appends += batch.length;
      if (!this.durable) {
        for (const p of batch) p.resolve(p.entry);
        this.advanceHead(this.written);
        continue;
      }
      for (const p of batch) {
        if (p.early) p.resolve(p.entry);
        else this.awaitingSync.push(p);
      }
      if (this.awaitingSync.length > 0) this.wakeSync?.();
      this.startSync();
    }
  }

  /** Starts the sync loop unless it runs; one that ends as an entry is written restarts (as `kick`). */
  private startSync(): void {
    if (this.syncing) return;
    this.syncing = this.syncLoop().finally(() => {
      this.syncing = undefined;
      if (this.awaitingSync.length > 0 || (!this.failed && this.written.seq > this.head.seq)) this.startSync();
    });
  }

  /**
   * One fdatasync at a time, each covering every entry written before it began (writes go on meanwhile):
   * group commit without making a write wait for the previous sync. A failed sync fails the log: what
   * it should have covered may not be on disk, so nothing more is appended on top of it.
   */
  private async syncLoop(): Promise<void> {
    while (this.written.seq > this.head.seq || this.awaitingSync.length > 0) {
      if (this.failed) {
        for (const p of this.awaitingSync.splice(0, this.awaitingSync.length)) p.reject(this.failed);
        return;
      }
      // Nobody waits for the disk: let written entries gather for a while (a waiter, a query or close ends the pause).
      if (this.awaitingSync.length === 0 && this.hurried === 0) await this.pause(this.lastSyncAt + this.lazySyncMs - performance.now());
      if (this.failed) continue;
      const target = { ...this.written };
      const waiters = this.awaitingSync.splice(0, this.awaitingSync.length);
      const fh = this.seg.fh;
      this.lastSyncAt = performance.now();
      try {
        await fh?.datasync();
        this.counters.syncs++;
      } catch (e) {
        this.failed = ioError(`the audit log in ${this.opts.dir} could not be synced to disk; close and reopen it`, e);
        for (const p of [...waiters, ...this.awaitingSync.splice(0, this.awaitingSync.length)]) p.reject(this.failed);
        return;
      }
      this.advanceHead(target);
      for (const p of waiters) p.resolve(p.entry);
    }
  }

  /** Waits `ms` (nothing when not positive), or less: until `wakeSync` is called. */
  private pause(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wakeSync?.(), ms);
      this.wakeSync = () => {
        clearTimeout(timer);
        this.wakeSync = undefined;
        resolve();
      };
    });
  }

  /**
   * Resolves once every entry written so far is synced (rotation: before the segment's file is closed).
   * Starts a sync when none runs: the first part of a batch that rotates is written but not yet queued.
   */
  private async synced(): Promise<void> {
    if (this.durable) {
      await this.urgently(async () => {
        this.startSync();
        while (this.syncing) await this.syncing;
      });
    }
    if (this.failed) throw this.failed;
  }

  /** The durable head moved: a checkpoint when `checkpointEvery` entries have passed since the last one. */
  private advanceHead(h: { seq: number; hash: string }): void {
    this.head = { seq: h.seq, hash: h.hash };
    if (this.head.seq - Math.max(this.lastCheckpointSeq, this.checkpointQueuedSeq) >= this.checkpointEvery) void this.queueCheckpoint().catch(() => undefined);
  }

  /** A failed write fails its batch and everything queued behind it (they chain on it); the tail goes back to the last written entry. */
  private failBatch(batch: Pending[], e: unknown): void {
    const err = e instanceof OversightError ? e : ioError('could not write the audit log', e);
    const all = [...batch, ...this.pending.splice(0, this.pending.length)];
    this.tail = { ...this.written };
    for (const p of all) p.reject(err);
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let i = 0;
    while (i < batch.length) {
      if (this.failed) throw this.failed;
      if (this.seg.entries >= this.maxEntries || (this.seg.entries > 0 && this.seg.bytes >= this.maxBytes)) await this.rotate((batch[i] as Pending).entry.seq);
      const fh = await this.segmentHandle();
      const lines: Buffer[] = [];
      let bytes = 0;
      let minTs = this.seg.minTs;
      let maxTs = this.seg.maxTs;
      // As many as fit in this segment (at least one, so an oversized line still goes somewhere).
      while (i < batch.length && this.seg.entries + lines.length < this.maxEntries) {
        const p = batch[i] as Pending;
        const size = p.bytes.length;
        if (lines.length > 0 && this.seg.bytes + bytes + size > this.maxBytes) break;
        lines.push(p.bytes);
        bytes += size;
        if (minTs === undefined || p.entry.ts < minTs) minTs = p.entry.ts;
        if (maxTs === undefined || p.entry.ts > maxTs) maxTs = p.entry.ts;
        i++;
      }
      const buf = lines.length === 1 ? (lines[0] as Buffer) : Buffer.concat(lines, bytes);
      try {
        // Synchronous: a batch is a few kilobytes into the page cache, tens of microseconds, where a trip
        // through the thread pool cost more than the write and left every waiting request idle meanwhile
        // (README, "HTTP API" benchmark). The fdatasync stays asynchronous.
        writeAllSync(fh.fd, buf);
        this.counters.writes++;
      } catch (e) {
        // Cut back what may have reached the file, so the next batch does not chain on unacknowledged lines.
        try {
          ftruncateSync(fh.fd, this.seg.bytes);
        } catch {
          this.failed = ioError(`the audit log in ${this.opts.dir} could not be written nor restored; close and reopen it (the torn tail is then kept aside)`, e);
        }
        throw ioError(`could not write the audit log in ${this.opts.dir}`, e);
      }
      const last = batch[i - 1] as Pending;
      this.seg.entries += lines.length;
      this.seg.bytes += buf.length;
      this.seg.minTs = minTs;
      this.seg.maxTs = maxTs;
      this.written = { seq: last.entry.seq, hash: last.entry.hash };
    }
  }

  private async segmentHandle(): Promise<FileHandle> {
    if (this.seg.fh) return this.seg.fh;
    const fh = await open(this.seg.file.path, 'a', 0o600).catch((e: unknown) => {
      throw ioError(`could not open ${this.seg.file.path}`, e);
    });
    if (this.seg.bytes === 0 && this.durable) await syncDir(this.opts.dir);
    this.seg.fh = fh;
    return fh;
  }

  /** Seals the current segment (index entry, durable) and starts `segment-<firstSeq>.jsonl`. */
  private async rotate(firstSeq: number): Promise<void> {
    const s = this.seg;
    // Everything written to this segment is synced before its file is closed and it is sealed.
    await this.synced();
    await s.fh?.close();
    if (s.entries > 0 && s.minTs !== undefined && s.maxTs !== undefined) {
      const sealed = { file: s.file.name, firstSeq: s.file.firstSeq, lastSeq: this.written.seq, bytes: s.bytes, minTs: s.minTs, maxTs: s.maxTs };
      await this.updateManifest((m) => ({ version: 1, sealed: [...m.sealed.filter((x) => x.file !== s.file.name), sealed] }));
    }
    const name = segmentName(firstSeq);
    this.seg = { file: { name, path: join(this.opts.dir, name), firstSeq }, fh: undefined, entries: 0, bytes: 0, minTs: undefined, maxTs: undefined };
    // A segment was just sealed: it may be the one retention is waiting for (runs after this batch).
    if (!this.closing) void this.retention.run();
  }

  /** Signs the head as it is now (not as it will be when the queued write runs). */
  private queueCheckpoint(): Promise<void> {
    const head = { ...this.head };
    this.checkpointQueuedSeq = head.seq;
    const next = this.checkpointing.then(() => this.writeCheckpoint(head));
    this.checkpointing = next.catch(() => undefined);
    return next;
  }

  private async writeCheckpoint(head: { seq: number; hash: string }): Promise<void> {
    if (head.seq === 0 || head.seq <= this.lastCheckpointSeq) return;
    const cp = signCheckpoint({ seq: head.seq, hash: head.hash, ts: this.now().toISOString() }, this.opts.signingKey, this.fingerprint);
    const file = join(this.opts.dir, CHECKPOINTS_FILE);
    try {
      if (!this.checkpointsFh) {
        this.checkpointsFh = await open(file, 'a', 0o600);
        if (this.durable) await syncDir(this.opts.dir);
      }
      await writeAll(this.checkpointsFh, Buffer.from(encodeCheckpointLine(cp) + '\n', 'utf8'));
      if (this.durable) await this.checkpointsFh.datasync();
    } catch (e) {
      throw ioError(`could not write a checkpoint to ${file}`, e);
    }
    this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq, head.seq);
    this.counters.checkpoints++;
  }
}
