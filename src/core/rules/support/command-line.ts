import type { JsonPath } from '../../model/location';
import type { McpServer } from '../../model/server';

/**
 * One argv element and where it was written. Words split out of one string (a `command` with
 * spaces, `cmd /c "npx -y pkg"`) all share that string's path.
 */
export interface Word {
  value: string;
  path: JsonPath | undefined;
}

const WHITESPACE = /\s/;
const WHITESPACE_RUN = /\s+/;
const PATH_SEPARATOR = /[\\/]/;
const WINDOWS_EXTENSION = /\.(exe|cmd|bat|ps1)$/i;

/** `C:\\tools\\npx.cmd` -> `npx`. */
export function programName(word: string): string {
  const base = word.split(PATH_SEPARATOR).pop() ?? word;
  return base.replace(WINDOWS_EXTENSION, '').toLowerCase();
}

/**
 * The server's argv: `command` then `args`. A `command` with spaces and no `args` ("npx -y pkg") is
 * split on whitespace, because some clients run it through a shell and people write it that way.
 */
export function argv(server: McpServer): Word[] {
  if (server.command === undefined) return [];
  const words: Word[] = [];
  if (server.args.length === 0 && WHITESPACE.test(server.command.trim())) {
    words.push(...splitWord({ value: server.command, path: server.origins.command }));
  } else {
    words.push({ value: server.command, path: server.origins.command });
  }
  server.args.forEach((value, i) => words.push({ value, path: server.origins.args[i] }));
  return words;
}

/** Wrappers that only start another program, with their options that take a value (so the value is not taken for the program). */
const WRAPPERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['env', new Set(['-u', '--unset', '-C', '--chdir'])],
  ['sudo', new Set(['-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout'])],
  ['doas', new Set(['-u', '-C'])],
  ['nohup', new Set<string>()],
  ['cmd', new Set<string>()],
]);

/**
 * Shell syntax that makes a `cmd /c` line a script rather than one program: sequencing (`&&`,
 * `||`, `&`, `;`), pipes, redirections and POSIX substitutions (`` ` ``, `$(`) people carry over.
 */
const SHELL_OPERATORS = /&&|\|\||[|;&<>`]|\$\(/;

/** Splits one written string into words that keep the string's path (the way `argv` splits a `command`). */
function splitWord(w: Word): Word[] {
  return w.value.trim().split(WHITESPACE_RUN).map((value) => ({ value, path: w.path }));
}

/**
 * Skips wrappers that only start another program (`cmd /c npx …`, `env A=1 npx …`, `sudo npx …`),
 * so launcher rules see the real program. Shells (`bash -c`) are not unwrapped: they are a finding.
 * `cmd` is both: `cmd /c npx -y pkg` is a wrapper, but a `cmd` line with shell operators
 * (`cmd /c "npx … && del …"`) or without `/c` is a script, kept for the shell rule to report.
 */
export function unwrap(words: readonly Word[]): readonly Word[] {
  let rest = words;
  for (let guard = 0; guard < 4 && rest.length > 0; guard++) {
    const prog = programName((rest[0] as Word).value);
    const valueFlags = WRAPPERS.get(prog);
    if (valueFlags === undefined) break;
    if (prog === 'cmd') {
      const after = cmdScriptStart(rest);
      if (after === -1 || rest.slice(after).some((w) => SHELL_OPERATORS.test(w.value))) break;
      rest = rest.slice(after);
      // `cmd /c "npx -y pkg"`: cmd runs the quoted line, so its words are the program's argv.
      if (rest.length === 1 && WHITESPACE.test((rest[0] as Word).value.trim())) rest = splitWord(rest[0] as Word);
      continue;
    }
    let k = 1;
    let split: Word[] | undefined;
    for (; k < rest.length; k++) {
      const v = (rest[k] as Word).value;
      if (prog === 'env' && (v === '-S' || v === '--split-string') && rest[k + 1] !== undefined) {
        // `env -S "npx -y pkg"` (shebang lines): the string is the program's argv.
        split = splitWord(rest[k + 1] as Word);
        k += 2;
        break;
      }
      if (valueFlags.has(v)) k++;
      else if (!v.startsWith('-') && !(prog === 'env' && v.includes('='))) break;
    }
    rest = split === undefined ? rest.slice(k) : [...split, ...rest.slice(k)];
  }
  return rest;
}

const unwrapped = new WeakMap<McpServer, readonly Word[]>();

/**
 * `unwrap(argv(server))`, computed once per server: the package, shell and container rules all
 * start from it, and rebuilding the word list for each of them is most of their cost.
 */
export function programWords(server: McpServer): readonly Word[] {
  let out = unwrapped.get(server);
  if (out === undefined) unwrapped.set(server, (out = unwrap(argv(server))));
  return out;
}

/** Index of the first word of the command line after `cmd … /c` (or `/k`, `/r`), -1 if there is none. */
export function cmdScriptStart(words: readonly Word[]): number {
  for (let k = 1; k < words.length; k++) {
    const v = (words[k] as Word).value.toLowerCase();
    if (v === '/c' || v === '/k' || v === '/r') return k + 1 < words.length ? k + 1 : -1;
    // Other switches (`/d`, `/s`, `/q`, `/v:on`…) precede it; anything else means no command line.
    if (!v.startsWith('/')) return -1;
  }
  return -1;
}
