import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json';
import { HASH_TAGS } from '../crypto/hash';
import { OversightError } from '../errors';
import type { Grant, SignedGrant } from './grant-schema';

/** The bytes an Ed25519 grant signature covers: a domain tag, NUL, the grant's canonical JSON. */
function signedBytes(grant: Grant): Buffer {
  return Buffer.from(`${HASH_TAGS.grant}\0${canonicalJson(grant)}`, 'utf8');
}

export interface GrantKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateGrantKeyPair(): GrantKeyPair {
  return generateKeyPairSync('ed25519');
}

export function signGrant(grant: Grant, privateKey: KeyObject): SignedGrant {
  return { grant, signature: sign(null, signedBytes(grant), privateKey).toString('base64') };
}

/** Constant-time by construction (Ed25519 verification); false for any malformed signature. */
export function grantSignatureValid(signed: SignedGrant, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedBytes(signed.grant), publicKey, Buffer.from(signed.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Public keys travel as PEM (SPKI). Anything but an Ed25519 key is refused: no algorithm confusion. */
export function parseGrantPublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new OversightError('usage', `${where}: not a PEM public key. Pass the coordinator's Ed25519 public key (SPKI PEM).`, { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new OversightError('usage', `${where}: a ${key.asymmetricKeyType ?? 'unknown'} key; grants are verified with Ed25519 only.`);
  }
  return key;
}

export function parseGrantPrivateKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw new OversightError('usage', `${where}: not a PEM private key.`, { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new OversightError('usage', `${where}: grants are signed with Ed25519 only.`);
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
