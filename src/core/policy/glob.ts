const cache = new Map<string, RegExp>();

/** Case-insensitive glob match where only `*` is special (it matches any run of characters, `/` included). */
export function globMatch(glob: string, value: string): boolean {
  let re = cache.get(glob);
  if (re === undefined) {
    re = new RegExp('^' + glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i');
    cache.set(glob, re);
  }
  return re.test(value);
}

/** Allowed by an allow/deny pair: deny wins; an absent or empty allow list allows everything. */
export function allowedBy(list: { allow?: string[] | undefined; deny?: string[] | undefined } | undefined, value: string): { ok: true } | { ok: false; why: string } {
  if (list === undefined) return { ok: true };
  const denied = list.deny?.find((g) => globMatch(g, value));
  if (denied !== undefined) return { ok: false, why: `denied by "${denied}"` };
  if (list.allow !== undefined && list.allow.length > 0 && !list.allow.some((g) => globMatch(g, value))) {
    return { ok: false, why: `not in the allowed list (${list.allow.map((g) => `"${g}"`).join(', ')})` };
  }
  return { ok: true };
}
