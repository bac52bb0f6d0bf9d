import { createHmac } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json';
import { findKnownSecrets } from '../secrets/detect-secrets';
import { isSecretLikeName } from '../secrets/secret-names';

/**
 * Secrets never enter the audit log: they are replaced by `hmac:<16 hex>`, the start of
 * HMAC-SHA256(per-workspace key, value). Two entries about the same secret still match; without the key
 * nobody can test a guess against the log. Replaced: every value under an `env` or `headers` object,
 * the value of any secret-like key (`GITHUB_TOKEN`, `authorization`, `apiKey`…), the value after a
 * secret-like `--flag` in an argument list, and any provider token shape found inside any string.
 */
export const HMAC_MARK = /^hmac:[0-9a-f]{16}$/;

/** Containers whose every value is treated as a secret (server env and HTTP headers). */
const SECRET_CONTAINERS = new Set(['env', 'headers']);

export function keyedDigest(hmacKey: Uint8Array, value: string): string {
  return `hmac:${createHmac('sha256', hmacKey).update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

/** A deep copy of `value` with secrets replaced. Throws TypeError on a non-JSON value (as canonicalJson). */
export function redactForAudit<T>(value: T, hmacKey: Uint8Array): T {
  return redact(value, hmacKey) as T;
}

function redact(value: unknown, key: Uint8Array): unknown {
  if (typeof value === 'string') return redactString(value, key);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return redactArray(value, key);
  const proto: unknown = Object.getPrototypeOf(value);
  // A Date or Map would copy as `{}`: refuse it here, as canonicalJson would, rather than log nothing.
  if (proto !== Object.prototype && proto !== null) throw new TypeError('audit payload: only plain JSON objects, arrays and primitives');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const safeKey = redactString(k, key);
    setOwn(out, safeKey, SECRET_CONTAINERS.has(k.toLowerCase()) && v !== null && typeof v === 'object' ? hideAll(v, key) : isSecretLikeName(k) ? hideValue(v, key) : redact(v, key));
  }
  return out;
}

/** `--token abc`, `--api-key=abc`: the value after a secret-like flag is hidden; the flag stays. */
function redactArray(items: readonly unknown[], key: Uint8Array): unknown[] {
  const out: unknown[] = [];
  let hideNext = false;
  for (const item of items) {
    if (hideNext && typeof item === 'string') {
      out.push(hideValue(item, key));
      hideNext = false;
      continue;
    }
    hideNext = false;
    if (typeof item === 'string' && /^--?[A-Za-z]/.test(item)) {
      const eq = item.indexOf('=');
      const flag = (eq < 0 ? item : item.slice(0, eq)).replace(/^--?/, '');
      if (isSecretLikeName(flag)) {
        if (eq < 0) hideNext = true;
        else {
          out.push(`${item.slice(0, eq + 1)}${hideValue(item.slice(eq + 1), key) as string}`);
          continue;
        }
      }
    }
    out.push(redact(item, key));
  }
  return out;
}

/** Every leaf of an `env`/`headers` object; keys are kept (they name, not hold, the secret). */
function hideAll(value: unknown, key: Uint8Array): unknown {
  if (Array.isArray(value)) return value.map((v) => hideAll(v, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) setOwn(out, redactString(k, key), hideAll(v, key));
    return out;
  }
  return hideValue(value, key);
}

/**
 * `out[k] = v`, except that a `__proto__` key (JSON.parse makes it an own property, e.g. in what a server
 * returned) stays an own property: assigning it would set the copy's prototype, and the entry would be
 * refused, or a key dropped, at the word of whoever wrote the value.
 */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

function hideValue(value: unknown, key: Uint8Array): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value === '' || HMAC_MARK.test(value) ? value : keyedDigest(key, value);
  return keyedDigest(key, canonicalJson(value));
}

/** `value` with every provider token shape in it replaced by its keyed hash (unchanged when it has none). */
export function redactString(value: string, key: Uint8Array): string {
  if (value.length < 8) return value;
  const found = findKnownSecrets(value);
  if (found.length === 0) return value;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += value.slice(at, f.start) + keyedDigest(key, f.value);
    at = f.end;
  }
  return out + value.slice(at);
}
