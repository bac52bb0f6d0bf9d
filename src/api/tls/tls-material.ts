import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { OversightError } from '../../core/errors';
import { writeDurably } from '../../coordinator/durable-write';
import { spkiSha256Base64 } from './fingerprint';
import { DEFAULT_TLS_HOSTS, generateSelfSignedCertificate } from './self-signed';

export const GENERATED_CERT_FILE = 'tls-cert.pem';
export const GENERATED_KEY_FILE = 'tls-key.pem';
/** A generated certificate this close to its end is replaced at start-up rather than left to expire while serving. */
export const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TlsMaterialOptions {
  /** Where the generated pair lives (`tls-cert.pem`, `tls-key.pem`); created with mode 0700. */
  dir: string;
  /** A certificate of your own (PEM; may be followed by its chain). Give both or neither. */
  certFile?: string;
  keyFile?: string;
  /** Names the server is reached by, besides localhost/127.0.0.1/::1: put into a generated certificate; a warning if a certificate of your own lacks one. */
  hosts?: readonly string[];
  validDays?: number;
  now?: Date;
  /** Progress and warnings for a person. Never given key material. */
  log?: (message: string) => void;
}

export interface TlsMaterial {
  /** PEM for `https.createServer({ cert, key })`. */
  cert: string;
  key: string;
  /** SHA-256 of the certificate, `AB:CD:…` as `X509Certificate.fingerprint256` (what browsers show). */
  fingerprint256: string;
  /** For `curl --pinnedpubkey sha256//<this>`; stays the same while the key does. */
  spkiSha256Base64: string;
  /** True when the pair is the generated one in `dir`; clients then need `tls-cert.pem` as their CA, or the pin. */
  selfSigned: boolean;
  certFile: string;
  keyFile: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * The server's certificate and key. With `certFile` and `keyFile` (both), those are checked and used:
 * each problem is an OversightError ('usage') naming the file and the fix. Otherwise the generated pair
 * in `dir` is reused while it is valid, matches, covers `hosts` and has more than 30 days left, and is
 * regenerated (written durably, key 0600) when not.
 */
export async function loadOrCreateTlsMaterial(options: TlsMaterialOptions): Promise<TlsMaterial> {
  const now = options.now ?? new Date();
  const log = options.log ?? (() => undefined);
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined) throw new OversightError('usage', `A TLS key file was given (${options.keyFile}) but no certificate file: give both, or neither to use a generated self-signed certificate.`);
    if (options.keyFile === undefined) throw new OversightError('usage', `A TLS certificate file was given (${options.certFile}) but no key file: give both, or neither to use a generated self-signed certificate.`);
    return loadOwnMaterial(options.certFile, options.keyFile, options.hosts ?? [], now, log);
  }
  return loadOrCreateGenerated(options, now, log);
}

async function loadOwnMaterial(certFile: string, keyFile: string, hosts: readonly string[], now: Date, log: (m: string) => void): Promise<TlsMaterial> {
  const certText = await readUserFile(certFile, 'certificate');
  const keyText = await readUserFile(keyFile, 'key');
  const cert = parseCertificate(certText);
  if (cert === undefined) throw new OversightError('usage', `${certFile} is not a PEM X.509 certificate (expected "-----BEGIN CERTIFICATE-----"). Give the server certificate, optionally followed by its chain.`);
  const key = parsePrivateKey(keyText);
  if (key === 'encrypted') throw new OversightError('usage', `${keyFile} is an encrypted private key; the server cannot ask for a passphrase. Give an unencrypted PEM key (e.g. \`openssl pkey -in ${keyFile} -out key.pem\`) and keep it mode 0600.`);
  if (key === undefined) throw new OversightError('usage', `${keyFile} is not a PEM private key (expected "-----BEGIN PRIVATE KEY-----" or a similar RSA/EC key).`);
  if (!cert.checkPrivateKey(key)) throw new OversightError('usage', `${keyFile} is not the private key of the certificate in ${certFile}. Give the key the certificate was issued for.`);
  const { notBefore, notAfter } = validity(cert, certFile);
  if (notAfter.getTime() <= now.getTime()) throw new OversightError('usage', `The TLS certificate in ${certFile} expired on ${notAfter.toISOString()}. Renew it, or leave the certificate and key unset to use a generated self-signed one.`);
  if (notBefore.getTime() > now.getTime()) throw new OversightError('usage', `The TLS certificate in ${certFile} is not valid before ${notBefore.toISOString()}. Check this machine's clock, or use a certificate that is valid now.`);
  if (notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) log(`Warning: the TLS certificate in ${certFile} expires on ${notAfter.toISOString()}; renew it soon.`);
  const missing = hosts.filter((h) => !covers(cert, h));
  if (missing.length > 0) log(`Warning: the TLS certificate in ${certFile} does not name ${missing.join(', ')}; clients connecting by that name will reject it.`);
  if (process.platform !== 'win32') {
    const mode = (await stat(keyFile)).mode & 0o777;
    if ((mode & 0o077) !== 0) log(`Warning: the TLS key ${keyFile} can be read by other users (mode ${mode.toString(8)}); chmod 600 it.`);
  }
  return material(certText, keyText, cert, { selfSigned: false, certFile, keyFile, notBefore, notAfter });
}

async function loadOrCreateGenerated(options: TlsMaterialOptions, now: Date, log: (m: string) => void): Promise<TlsMaterial> {
  const certFile = join(options.dir, GENERATED_CERT_FILE);
  const keyFile = join(options.dir, GENERATED_KEY_FILE);
  const hosts = options.hosts ?? [];
  await mkdir(options.dir, { recursive: true, mode: 0o700 });

  const existing = await readGeneratedPair(certFile, keyFile);
  if (existing !== undefined) {
    const reason = unusableBecause(existing.cert, existing.key, hosts, now);
    if (reason === undefined && existing.cert !== undefined) {
      const { notBefore, notAfter } = validity(existing.cert, certFile);
      if (process.platform !== 'win32' && ((await stat(keyFile)).mode & 0o077) !== 0) await chmod(keyFile, 0o600);
      return material(existing.certText, existing.keyText, existing.cert, { selfSigned: true, certFile, keyFile, notBefore, notAfter });
    }
    log(`The self-signed TLS certificate in ${certFile} ${reason}; generating a new one (its fingerprint changes: clients that pinned the old one must pin the new one).`);
  }

  const { certPem, keyPem } = generateSelfSignedCertificate({ hosts, now, ...(options.validDays === undefined ? {} : { validDays: options.validDays }) });
  // Key first: a crash between the two writes leaves a pair that does not match, which the next start replaces.
  await writeDurably(keyFile, keyPem, 0o600);
  await writeDurably(certFile, certPem, 0o644);
  const cert = new X509Certificate(certPem);
  const { notBefore, notAfter } = validity(cert, certFile);
  log(`Generated a self-signed TLS certificate (${certFile}) valid until ${notAfter.toISOString()}, SHA-256 fingerprint ${cert.fingerprint256}.`);
  return material(certPem, keyPem, cert, { selfSigned: true, certFile, keyFile, notBefore, notAfter });
}

interface GeneratedPair {
  certText: string;
  keyText: string;
  cert: X509Certificate | undefined;
  key: KeyObject | 'encrypted' | undefined;
}

async function readGeneratedPair(certFile: string, keyFile: string): Promise<GeneratedPair | undefined> {
  const certText = await readIfThere(certFile);
  const keyText = await readIfThere(keyFile);
  if (certText === undefined || keyText === undefined) return undefined;
  return { certText, keyText, cert: parseCertificate(certText), key: parsePrivateKey(keyText) };
}

/** Why a generated pair cannot be reused, or undefined when it can. */
function unusableBecause(cert: X509Certificate | undefined, key: KeyObject | 'encrypted' | undefined, hosts: readonly string[], now: Date): string | undefined {
  if (cert === undefined) return 'cannot be read';
  if (key === undefined || key === 'encrypted') return 'has an unreadable key';
  if (!cert.checkPrivateKey(key)) return 'does not match its key';
  let notBefore: Date, notAfter: Date;
  try {
    ({ notBefore, notAfter } = validity(cert, 'the certificate'));
  } catch {
    return 'has an unreadable validity period';
  }
  if (notBefore.getTime() > now.getTime()) return `is not valid before ${notBefore.toISOString()}`;
  if (notAfter.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return notAfter.getTime() <= now.getTime() ? `expired on ${notAfter.toISOString()}` : `expires on ${notAfter.toISOString()}`;
  const missing = [...DEFAULT_TLS_HOSTS, ...hosts].filter((h) => !covers(cert, h));
  if (missing.length > 0) return `does not name ${missing.join(', ')}`;
  return undefined;
}

function material(cert: string, key: string, x509: X509Certificate, rest: Pick<TlsMaterial, 'selfSigned' | 'certFile' | 'keyFile' | 'notBefore' | 'notAfter'>): TlsMaterial {
  return { cert, key, fingerprint256: x509.fingerprint256, spkiSha256Base64: spkiSha256Base64(x509.publicKey), ...rest };
}

function covers(cert: X509Certificate, host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  return isIP(h) !== 0 ? cert.checkIP(h) !== undefined : cert.checkHost(h) !== undefined;
}

function parseCertificate(text: string): X509Certificate | undefined {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  try {
    return new X509Certificate(text);
  } catch {
    return undefined;
  }
}

function parsePrivateKey(text: string): KeyObject | 'encrypted' | undefined {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return undefined;
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----') || /^Proc-Type: 4,ENCRYPTED$/m.test(text)) return 'encrypted';
  try {
    return createPrivateKey(text);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE' ? 'encrypted' : undefined;
  }
}

/** Node 20's X509Certificate has only the `validFrom`/`validTo` strings ("Jan  2 03:04:05 2027 GMT"). */
function validity(cert: X509Certificate, where: string): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new OversightError('usage', `Cannot read the validity period of the TLS certificate in ${where} ("${cert.validFrom}" to "${cert.validTo}").`);
  }
  return { notBefore, notAfter };
}

async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OversightError('io', `${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}). Fix its permissions, or delete it to have a new certificate generated.`, { cause: e });
  }
}

async function readUserFile(file: string, what: 'certificate' | 'key'): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OversightError('usage', `The TLS ${what} file ${file} does not exist. Check the path.`, { cause: e });
    if (code === 'EISDIR') throw new OversightError('usage', `The TLS ${what} file ${file} is a folder; give the PEM file itself.`, { cause: e });
    throw new OversightError('io', `Cannot read the TLS ${what} file ${file} (${code ?? String(e)}). Check its permissions.`, { cause: e });
  }
}
