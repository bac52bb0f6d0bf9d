/**
 * "npx -y @scope/pkg@1.2.3 --root '/my dir'" -> ["npx", "-y", "@scope/pkg@1.2.3", "--root", "/my dir"].
 * Shell-like words for the Install command's input box: whitespace separates, single quotes keep
 * everything, double quotes keep everything but `\"` and `\\`, a backslash outside quotes escapes the
 * next character. Nothing is expanded (no `$VAR`, no globs): the words are written to the config as
 * typed. Pure, so it is unit-tested directly.
 */
export type Words = { ok: true; words: string[] } | { ok: false; error: string };

export function splitCommandLine(line: string): Words {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i]!;
      else cur += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < line.length) cur += line[++i]!;
    else cur += c;
  }
  if (quote !== undefined) return { ok: false, error: `The ${quote === '"' ? 'double' : 'single'} quote is not closed.` };
  if (inWord) words.push(cur);
  if (words.length === 0) return { ok: false, error: 'Type the command that starts the server, e.g. npx -y @modelcontextprotocol/server-memory@2026.8.31' };
  return { ok: true, words };
}

/** A server name as the Installer accepts it (the same rule as its zod schema; checked there again). */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give the server a name, e.g. memory';
  if (name.length > 128) return 'At most 128 characters.';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return 'Letters, digits, "_", "." and "-", starting with a letter or digit.';
  return undefined;
}

/** A remote server's URL: https (or http only for this machine). */
export function urlProblem(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return 'Type a full URL, e.g. https://mcp.example.com/mcp';
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return undefined;
  return 'Use https:// (plain http only for localhost): the agent would send its requests in clear text.';
}
