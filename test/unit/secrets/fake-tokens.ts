// Token bodies are generated at runtime from a seeded generator: correctly shaped, varied, fake,
// and never sitting verbatim in the repository for a secret scanner to trip on.
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const URLSAFE = ALNUM + '-_';
export const HEX = '0123456789abcdef';
export const B64 = ALNUM + '+/';

/** `n` characters of `alphabet`, deterministic for a seed. */
export function fake(n: number, alphabet: string, seed = 7): string {
  let x = (seed * 2654435761) >>> 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += alphabet.charAt((x >>> 16) % alphabet.length);
  }
  return out;
}
