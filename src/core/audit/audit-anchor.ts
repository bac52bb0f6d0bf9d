import { sign, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../crypto/canonical-json';
import { HASH_TAGS } from '../crypto/hash';
import { Sha256HexSchema } from '../grants/grant-schema';
import { ed25519SignatureValid, Ed25519SignatureSchema, keyFingerprint } from './audit-checkpoint';
import type { AuditFirstBad } from './audit-classify';
import { AuditTimestampSchema } from './audit-entry';

/** The retention anchors, one signed line per prune, oldest first (docs/AUDIT.md, "Retention"). */
export const RETENTION_FILE = 'retention.jsonl';

/**
 * A signed statement "entries `fromSeq`..`seq - 1` (`entries` of them, in `segments` whole segment
 * files, all older than `cutoff`) were deleted by retention at `ts`; entry `seq` chains to `prevHash`".
 * Ed25519 over its own domain tag, NUL and the canonical JSON of every field but `signature`. It is
 * what lets a log that no longer starts at seq 1 verify: the first entry kept must be exactly `seq` and
 * chain to `prevHash`, so nothing after the cut can be changed, and nothing more can be cut, unnoticed.
 * Anchors chain too: each one's `fromSeq` is the previous one's `seq` (1 for the first).
 */
export const RetentionAnchorSchema = z
  .object({
    seq: z.number().int().min(2),
    prevHash: Sha256HexSchema,
    fromSeq: z.number().int().positive(),
    entries: z.number().int().positive(),
    segments: z.number().int().positive(),
    cutoff: AuditTimestampSchema,
    ts: AuditTimestampSchema,
    keyFingerprint: Sha256HexSchema,
    signature: Ed25519SignatureSchema,
  })
  .strict();
export type RetentionAnchor = z.infer<typeof RetentionAnchorSchema>;
type Signed = Omit<RetentionAnchor, 'signature'>;

function signedBytes(a: Signed): Buffer {
  const { seq, prevHash, fromSeq, entries, segments, cutoff, ts, keyFingerprint: fp } = a;
  return Buffer.from(`${HASH_TAGS.auditRetentionAnchor}\0${canonicalJson({ seq, prevHash, fromSeq, entries, segments, cutoff, ts, keyFingerprint: fp })}`, 'utf8');
}

export function signRetentionAnchor(body: Omit<Signed, 'keyFingerprint'>, privateKey: KeyObject, fingerprint = keyFingerprint(privateKey)): RetentionAnchor {
  const signed: Signed = { ...body, keyFingerprint: fingerprint };
  return { ...signed, signature: sign(null, signedBytes(signed), privateKey).toString('base64') };
}

export function encodeRetentionAnchorLine(a: RetentionAnchor): string {
  return canonicalJson(a);
}

/** Signature-valid, self-consistent anchors in file order, and what was wrong with the others. */
export interface AnchorSet {
  valid: RetentionAnchor[];
  /** The newest valid anchor: where the log may start. */
  latest?: RetentionAnchor;
  problems: AuditFirstBad[];
  notes: string[];
}

/**
 * Reads and checks `retention.jsonl`: schema, canonical bytes, key fingerprint, signature, and that
 * each anchor is consistent in itself (`entries` = `seq - fromSeq`, cutoff not after its time) and
 * continues the one before (`fromSeq` = its `seq`). A broken line is 'forged-anchor'; a signed one that
 * claims other counts than its seqs say is 'anchor-mismatch'. Neither is used to excuse a missing start.
 */
export function readRetentionAnchors(text: string, publicKey: KeyObject): AnchorSet {
  const fingerprint = keyFingerprint(publicKey);
  const set: AnchorSet = { valid: [], problems: [], notes: [] };
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  // Written (and synced) before any segment is deleted: an anchor cut short by a crash excused nothing.
  if (torn !== '') set.notes.push(`${RETENTION_FILE}: an incomplete last line (${torn.length} bytes) was ignored`);
  lines.forEach((line, i) => {
    const where = { file: RETENTION_FILE, line: i + 1 };
    const bad = (seq: number, reason: 'forged-anchor' | 'anchor-mismatch', detail: string) => set.problems.push({ seq, reason, detail, ...where });
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return bad(seqHint(line), 'forged-anchor', `retention anchor line ${i + 1} is not JSON`);
    }
    const r = RetentionAnchorSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0];
      return bad(seqHint(line), 'forged-anchor', `retention anchor line ${i + 1} is not a valid anchor (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
    }
    const a = r.data;
    const prev = set.latest;
    if (encodeRetentionAnchorLine(a) !== line) bad(a.seq, 'forged-anchor', `retention anchor ${a.seq} is not in the canonical form the writer produces`);
    else if (a.keyFingerprint !== fingerprint) bad(a.seq, 'forged-anchor', `retention anchor ${a.seq} names another signing key (${a.keyFingerprint.slice(0, 16)}…, expected ${fingerprint.slice(0, 16)}…)`);
    else if (!ed25519SignatureValid(signedBytes(a), a.signature, publicKey)) bad(a.seq, 'forged-anchor', `retention anchor ${a.seq}: the signature does not match its content`);
    else if (a.fromSeq !== (prev?.seq ?? 1)) {
      bad(a.seq, 'anchor-mismatch', `retention anchor ${a.seq} says its prune started at seq ${a.fromSeq}, but ${prev ? `the previous anchor kept entries from seq ${prev.seq}` : 'no earlier prune is recorded (it must start at seq 1)'}`);
    } else if (a.seq <= a.fromSeq || a.entries !== a.seq - a.fromSeq) {
      bad(a.seq, 'anchor-mismatch', `retention anchor ${a.seq} claims ${a.entries} entries were pruned, but seqs ${a.fromSeq}..${a.seq - 1} are ${a.seq - a.fromSeq}`);
    } else if (a.cutoff > a.ts) bad(a.seq, 'anchor-mismatch', `retention anchor ${a.seq} has a cutoff (${a.cutoff}) after its own time (${a.ts})`);
    else {
      set.valid.push(a);
      set.latest = a;
    }
  });
  return set;
}

function seqHint(line: string): number {
  const m = /"seq":(\d{1,15})[,}]/.exec(line);
  return m?.[1] === undefined ? 1 : Math.max(1, Number(m[1]));
}
