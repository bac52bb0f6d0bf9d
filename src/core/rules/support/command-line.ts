import type { JsonPath } from '../../model/location';
import type { McpServer } from '../../model/server';

/** One argv element and where it was written. `path` is undefined for words split out of a `command` string. */
export interface Word {
  value: string;
  path: JsonPath | undefined;
}

/** `C:\\tools\\npx.cmd` -> `npx`. */
export function programName(word: string): string {
  const base = word.split(/[\\/]/).pop() ?? word;
  return base.replace(/\.(exe|cmd|bat|ps1)$/i, '').toLowerCase();
}

/**
 * The server's argv: `command` then `args`. A `command` with spaces and no `args` ("npx -y pkg") is
 * split on whitespace, because some clients run it through a shell and people write it that way.
 */
export function argv(server: McpServer): Word[] {
  if (server.command === undefined) return [];
  const words: Word[] = [];
  if (server.args.length === 0 && /\s/.test(server.command.trim())) {
    for (const w of server.command.trim().split(/\s+/)) words.push({ value: w, path: server.origins.command });
  } else {
    words.push({ value: server.command, path: server.origins.command });
  }
  server.args.forEach((value, i) => words.push({ value, path: server.origins.args[i] }));
  return words;
}

const WRAPPERS = new Set(['cmd', 'env', 'nohup', 'sudo', 'doas']);

/**
 * Skips wrappers that only start another program (`cmd /c npx …`, `env A=1 npx …`, `sudo npx …`),
 * so launcher rules see the real program. Shells (`bash -c`) are not unwrapped: they are a finding.
 */
export function unwrap(words: Word[]): Word[] {
  let rest = words;
  for (let guard = 0; guard < 4 && rest.length > 0; guard++) {
    const prog = programName((rest[0] as Word).value);
    if (!WRAPPERS.has(prog)) break;
    let k = 1;
    while (k < rest.length && (/^[/-]/.test((rest[k] as Word).value) || (prog === 'env' && (rest[k] as Word).value.includes('=')))) k++;
    rest = rest.slice(k);
  }
  return rest;
}

/** The container of the server's argument list and what precedes the arguments in it (Kilo keeps the program in it). */
export function argsContainer(server: McpServer): { path: JsonPath; head: string[] } | undefined {
  if (server.format === 'kilo') {
    return server.command === undefined ? undefined : { path: [...server.origins.entry, 'command'], head: [server.command] };
  }
  return { path: [...server.origins.entry, 'args'], head: [] };
}
