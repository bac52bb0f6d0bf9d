import { createHash, type KeyObject, type X509Certificate } from 'node:crypto';

/**
 * How a client pins the API's certificate (printed by `serve` and shown in the docs):
 * - the certificate's SHA-256 fingerprint, `AB:CD:…` as `X509Certificate.fingerprint256` and browsers
 *   show it; changes whenever the certificate is regenerated;
 * - curl: `curl --pinnedpubkey 'sha256//<spkiSha256Base64>' --cacert tls-cert.pem https://127.0.0.1:PORT/api/v1/…`;
 *   the base64 SHA-256 of the DER SubjectPublicKeyInfo (the same value HPKP used), which stays the same
 *   as long as the key does.
 */
export function formatFingerprint(digest: Buffer): string {
  return (digest.toString('hex').toUpperCase().match(/../g) ?? []).join(':');
}

/** SHA-256 over the certificate's DER, formatted like `X509Certificate.fingerprint256`. */
export function certificateFingerprint256(cert: X509Certificate): string {
  return formatFingerprint(createHash('sha256').update(cert.raw).digest());
}

/** Base64 SHA-256 of the public key's DER SubjectPublicKeyInfo: what `curl --pinnedpubkey sha256//…` takes. */
export function spkiSha256Base64(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}
