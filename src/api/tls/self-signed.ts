import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_kp_serverAuth,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { OversightError } from '../../core/errors';

/** ecdsa-with-SHA256 (RFC 5758 §3.2: the parameters field is absent). */
const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const COMMON_NAME = '2.5.4.3';
export const SELF_SIGNED_SUBJECT_CN = 'MCP Oversight local API';
/** The names every generated certificate covers, so `https://localhost`, `https://127.0.0.1` and `https://[::1]` all verify. */
export const DEFAULT_TLS_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];
/** Browsers and Apple platforms refuse server certificates valid for more than 398 days. */
export const DEFAULT_VALID_DAYS = 397;
const DAY_MS = 86_400_000;
/** Backdated by an hour so a client whose clock runs a little behind still accepts a fresh certificate. */
const BACKDATE_MS = 3_600_000;

export interface SelfSignedOptions {
  /** Extra DNS names or IP addresses besides localhost, 127.0.0.1 and ::1. */
  hosts?: readonly string[];
  validDays?: number;
  now?: Date;
}

export interface SelfSignedCertificate {
  certPem: string;
  /** PKCS#8 PEM of the ECDSA P-256 private key. */
  keyPem: string;
}

/**
 * A self-signed X.509 v3 server certificate for the local API: ECDSA P-256, SHA-256, SubjectAltName
 * with the loopback names plus `hosts`, CA:false, digitalSignature, serverAuth. Built with
 * @peculiar/asn1-x509 (no global `reflect-metadata`, which must not be loaded into VS Code's shared
 * extension host) and signed with node:crypto.
 */
export function generateSelfSignedCertificate(options: SelfSignedOptions = {}): SelfSignedCertificate {
  const now = options.now ?? new Date();
  const validDays = options.validDays ?? DEFAULT_VALID_DAYS;
  if (!Number.isInteger(validDays) || validDays < 1 || validDays > 3650) {
    throw new OversightError('usage', `TLS certificate validity must be a whole number of days from 1 to 3650 (got ${String(validDays)}).`);
  }
  const names = subjectAltNames([...DEFAULT_TLS_HOSTS, ...(options.hosts ?? [])]);

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const subject = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: SELF_SIGNED_SUBJECT_CN }) })])]);
  const signatureAlgorithm = new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });

  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: serialNumber(),
    signature: signatureAlgorithm,
    issuer: subject,
    validity: new Validity({ notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + validDays * DAY_MS) }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions([
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: false })),
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature)),
      extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([id_kp_serverAuth])),
      // Not critical: the subject name is not empty (RFC 5280 §4.2.1.6).
      extension(id_ce_subjectAltName, false, new SubjectAlternativeName(names)),
    ]),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  // For EC keys node:crypto's default signature encoding is DER (ECDSA-Sig-Value), which is what X.509 carries.
  const signature = sign('sha256', tbsDer, privateKey);
  const certificate = new Certificate({ tbsCertificate: tbs, signatureAlgorithm, signatureValue: new Uint8Array(signature).buffer });
  const certDer = Buffer.from(AsnConvert.serialize(certificate));

  return {
    certPem: toPem('CERTIFICATE', certDer),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** 16 random bytes, positive, and with a non-zero first byte so the DER INTEGER is minimal as written. */
function serialNumber(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return new Uint8Array(bytes).buffer;
}

/** DNS names and IP addresses, deduplicated (case-insensitively for names); anything else is a usage error. */
function subjectAltNames(hosts: readonly string[]): GeneralName[] {
  const seen = new Set<string>();
  const out: GeneralName[] = [];
  for (const raw of hosts) {
    const host = raw.trim().replace(/^\[(.*)\]$/, '$1');
    const ip = isIP(host) !== 0;
    if (!ip && !isDnsName(host)) {
      throw new OversightError('usage', `"${raw}" is neither an IP address nor a DNS name; a TLS certificate cannot name it.`);
    }
    const key = ip ? host : host.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ip ? new GeneralName({ iPAddress: host }) : new GeneralName({ dNSName: key }));
  }
  return out;
}

/** LDH labels (a leading `*.` wildcard allowed), 1..253 characters. */
function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  const labels = host.replace(/^\*\./, '').split('.');
  return labels.every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
