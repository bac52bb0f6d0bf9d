import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { generateGrantKeyPair, parseGrantPrivateKey, parseGrantPublicKey, privateKeyPem, publicKeyPem } from '../core/grants/grant-crypto';
import { OversightError } from '../core/errors';
import { writeDurably } from './durable-write';
import type { StoreLayout } from './store-layout';

export interface CoordinatorKeys {
  /** Signs grants and audit checkpoints. Never leaves this process or its store (mode 0600). */
  signingKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** Keys the HMAC that stands in for secrets in the audit log (per workspace, so hashes do not match across workspaces). */
  auditHmacKey: Buffer;
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OversightError('io', `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { cause: e });
  }
}

/** Loads the store's keys, creating them on first use (keys folder 0700, secret files 0600). */
export async function loadOrCreateKeys(layout: StoreLayout): Promise<CoordinatorKeys> {
  await mkdir(layout.keys, { recursive: true, mode: 0o700 });
  let privatePem = await readIfThere(layout.signingKey);
  if (privatePem === undefined) {
    const pair = generateGrantKeyPair();
    privatePem = privateKeyPem(pair.privateKey);
    await writeDurably(layout.signingKey, privatePem, 0o600);
    await writeDurably(layout.publicKey, publicKeyPem(pair.publicKey), 0o644);
  }
  const signingKey = parseGrantPrivateKey(privatePem, layout.signingKey);
  const publicPemOnDisk = await readIfThere(layout.publicKey);
  const derived = publicKeyPem(createPublicKey(signingKey));
  // The public key is derived from the private one; a missing or different file on disk is rewritten.
  if (publicPemOnDisk !== derived) await writeDurably(layout.publicKey, derived, 0o644);
  let hmacHex = (await readIfThere(layout.auditHmacKey))?.trim();
  if (hmacHex === undefined) {
    hmacHex = randomBytes(32).toString('hex');
    await writeDurably(layout.auditHmacKey, hmacHex + '\n', 0o600);
  }
  if (!/^[0-9a-f]{64}$/.test(hmacHex)) throw new OversightError('io', `${layout.auditHmacKey}: not a 32-byte hex key. Restore it from a backup; deleting it makes old audit entries unmatchable with new ones.`);
  return { signingKey, publicKey: parseGrantPublicKey(derived, layout.publicKey), publicKeyPem: derived, auditHmacKey: Buffer.from(hmacHex, 'hex') };
}
