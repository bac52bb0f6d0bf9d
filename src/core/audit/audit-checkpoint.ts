import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../crypto/canonical-json';
import { HASH_TAGS, sha256Hex } from '../crypto/hash';
import { Sha256HexSchema } from '../grants/grant-schema';
import { AuditTimestampSchema } from './audit-entry';

/** A base64 Ed25519 signature (64 bytes), as checkpoints and retention anchors carry it. */
export const Ed25519SignatureSchema = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature (64 bytes)');

/**
 * A signed statement "the log's head was entry `seq` with hash `hash`", Ed25519 over a domain tag,
 * NUL and the canonical JSON of `{seq, hash, ts, keyFingerprint}`. One per line in `checkpoints.jsonl`.
 * Without them, whoever can write the files could cut the tail or re-hash the whole chain unnoticed.
 */
export const AuditCheckpointSchema = z
  .object({
    seq: z.number().int().positive(),
    hash: Sha256HexSchema,
    ts: AuditTimestampSchema,
    keyFingerprint: Sha256HexSchema,
    signature: Ed25519SignatureSchema,
  })
  .strict();
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>;
type Signed = Omit<AuditCheckpoint, 'signature'>;

/** SHA-256 of the public key's SPKI DER: names the key a checkpoint claims to be signed with. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256Hex(pub.export({ type: 'spki', format: 'der' }));
}

function signedBytes(c: Signed): Buffer {
  return Buffer.from(`${HASH_TAGS.auditCheckpoint}\0${canonicalJson({ seq: c.seq, hash: c.hash, ts: c.ts, keyFingerprint: c.keyFingerprint })}`, 'utf8');
}

export function signCheckpoint(head: { seq: number; hash: string; ts: string }, privateKey: KeyObject, fingerprint = keyFingerprint(privateKey)): AuditCheckpoint {
  const body: Signed = { seq: head.seq, hash: head.hash, ts: head.ts, keyFingerprint: fingerprint };
  return { ...body, signature: sign(null, signedBytes(body), privateKey).toString('base64') };
}

export function checkpointSignatureValid(c: AuditCheckpoint, publicKey: KeyObject): boolean {
  return ed25519SignatureValid(signedBytes(c), c.signature, publicKey);
}

/** An Ed25519 signature in canonical base64 over `bytes` (checkpoints, retention anchors). */
export function ed25519SignatureValid(bytes: Buffer, signature: string, publicKey: KeyObject): boolean {
  try {
    const sig = Buffer.from(signature, 'base64');
    // Base64 decoders ignore the spare bits of the last character: other text, same signature. Refused.
    if (sig.toString('base64') !== signature) return false;
    return verify(null, bytes, publicKey, sig);
  } catch {
    return false;
  }
}

export function encodeCheckpointLine(c: AuditCheckpoint): string {
  return canonicalJson(c);
}

export type ParsedCheckpointLine = { ok: true; checkpoint: AuditCheckpoint } | { ok: false; seq: number | undefined; why: string };

/** A checkpoint line read back; when it is broken, the seq it seems to name (for the report), if any. */
export function parseCheckpointLine(line: string): ParsedCheckpointLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, seq: seqHint(line), why: 'not JSON' };
  }
  const r = AuditCheckpointSchema.safeParse(raw);
  if (r.success) return { ok: true, checkpoint: r.data };
  const issue = r.error.issues[0];
  return { ok: false, seq: seqHint(line), why: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}

function seqHint(line: string): number | undefined {
  const m = /"seq":(\d{1,15})[,}]/.exec(line);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
