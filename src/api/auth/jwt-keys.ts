import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OversightError } from '../../core/errors';
import { fsyncDir } from '../../coordinator/durable-write';

/**
 * The Ed25519 key that signs this workspace's API tokens. Deliberately not the coordinator's grant key:
 * a leaked API key lets someone call the API as any role, but never forge a grant the MCP servers
 * would act on (least privilege; rotate one without the other).
 */
export interface ApiSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** RFC 7638 JWK thumbprint (base64url SHA-256) of the public key; goes in every token's `kid`. */
  kid: string;
}

/** The file name under the folder handed to `loadOrCreateApiSigningKey` (PKCS#8 PEM, mode 0600). */
export const API_SIGNING_KEY_FILE = 'api-token.key.pem';

/**
 * RFC 7638 thumbprint: SHA-256 of the canonical JWK `{"crv","kty","x"}`. Standard, so anyone holding
 * the public key (or a JWKS we might publish) computes the same `kid`.
 */
export function apiKeyId(publicKey: KeyObject): string {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new OversightError('usage', 'API tokens are verified with Ed25519 keys only.');
  const jwk = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');
}

/** A fresh key as PKCS#8 PEM, for callers that keep it themselves (the extension: SecretStorage). */
export function newApiSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Parses a PKCS#8 PEM Ed25519 private key. Errors name `where`, never the key's text. */
export function apiSigningKeyFromPem(pem: string, where = 'the API token signing key'): ApiSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // No `cause`: OpenSSL's message can quote the input.
    throw new OversightError('usage', `${where}: not a PEM private key.`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new OversightError('usage', `${where}: a ${privateKey.asymmetricKeyType ?? 'unknown'} key; API tokens are signed with Ed25519 only.`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, kid: apiKeyId(publicKey) };
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new OversightError('io', `${file}: cannot read it (${code ?? 'unknown error'}).`, { cause: e });
  }
}

/**
 * Creates `file` with `text` only if it does not exist yet, durably: a temporary file (0600, fsynced)
 * hard-linked into place, which fails with EEXIST when another process got there first — so two
 * processes starting at once agree on one key instead of each keeping the one it wrote.
 * Returns false when the file already existed.
 */
async function createExclusiveDurably(file: string, dir: string, text: string): Promise<boolean> {
  const tmp = join(dir, `.${API_SIGNING_KEY_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } catch (e) {
    throw new OversightError('io', `${file}: cannot create it (${(e as NodeJS.ErrnoException).code ?? 'unknown error'}).`, { cause: e });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await fsyncDir(dir);
  return true;
}

/**
 * Loads `dir/api-token.key.pem`, creating the key on first use (folder created 0700, file 0600). A key
 * file that others can read is tightened to 0600 (POSIX only); an unreadable or non-Ed25519 file is an
 * error, never silently replaced: tokens already handed out would all stop working.
 */
export async function loadOrCreateApiSigningKey(dir: string): Promise<ApiSigningKey> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, API_SIGNING_KEY_FILE);
  let pem = await readIfThere(file);
  if (pem === undefined) {
    await createExclusiveDurably(file, dir, newApiSigningKeyPem());
    pem = await readIfThere(file);
    if (pem === undefined) throw new OversightError('io', `${file}: vanished right after it was created.`);
  } else if (process.platform !== 'win32') {
    const { mode } = await stat(file);
    if ((mode & 0o077) !== 0) await chmod(file, 0o600);
  }
  return apiSigningKeyFromPem(pem, file);
}
