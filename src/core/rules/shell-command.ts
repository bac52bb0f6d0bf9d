import type { McpServer } from '../model/server';
import type { Severity } from '../model/severity';
import { perServerRule } from './rule';
import { cmdScriptStart, programName, programWords, type Word } from './support/command-line';
import { maskScriptSecrets } from './support/script-secrets';
import { codeFetchesAndEvals, downloadsAndRuns, pipesDownloadToInterpreter } from './support/download-and-run';

const POSIX_SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish']);
const POWERSHELLS = new Set(['powershell', 'pwsh']);

/** Interpreters that take program code in an argument, with the switch that introduces it. */
const CODE_SWITCHES: readonly { program: RegExp; code: (word: string) => boolean }[] = [
  { program: /^(?:python[0-9.]*|py|pypy[0-9.]*)$/, code: (w) => /^-[A-Za-z]*c$/.test(w) },
  { program: /^(?:node|nodejs|bun)$/, code: (w) => w === '-e' || w === '--eval' || w === '-p' || w === '--print' || w === '-pe' },
  { program: /^perl[0-9.]*$/, code: (w) => /^-[nlpwaT]*[eE]$/.test(w) },
  { program: /^ruby[0-9.]*$/, code: (w) => /^-[nlpwad]*e$/.test(w) },
  { program: /^php[0-9.]*$/, code: (w) => w === '-r' },
];
/** `npx -c "…"` / `npm exec --call "…"` run the string in a shell. */
const NPM_EXECUTORS = new Set(['npx', 'npm']);
/** Deno options whose value is the next word (most others take theirs after `=`). */
const DENO_VALUE_OPTIONS = new Set(['-c', '--config', '--import-map', '--lock', '--cert', '--location', '--seed', '-L', '--log-level', '--ext']);
const REMOTE_URL = /^https?:\/\//i;

/** Grouped POSIX shell switches (`-c`, `-xc`, `-lc`, `-euc`, `+x`): a `c` among them makes the first operand the script. */
const POSIX_SWITCHES = /^[-+][A-Za-z]+$/;
/**
 * Long shell options whose value is the next word (`--rcfile f`, fish `--init-command cmd`); `-o`
 * and `-O` are handled with the switches. Fish's `-C cmd` is left out: to bash `-C` is a switch.
 */
const POSIX_VALUE_OPTIONS = new Set(['--rcfile', '--init-file', '--init-command', '--debug-output', '--profile']);
/** `-Command`, and on Windows `/Command`; `/home/u/x.ps1` is a path. */
const WINDOWS_SWITCH = /^-|^\/[A-Za-z]+$/;
/** PowerShell parameters that take a value, by full name (any unambiguous prefix of 3+ letters is accepted too). */
const PWSH_VALUE_PARAMS = ['executionpolicy', 'windowstyle', 'outputformat', 'inputformat', 'workingdirectory', 'configurationname', 'configurationfile', 'version', 'psconsolefile', 'settingsfile', 'custompipename', 'encodedarguments'];
/** Their documented short aliases. */
const PWSH_VALUE_ALIASES = new Set(['ep', 'ex', 'w', 'o', 'of', 'if', 'wd', 'config', 'v', 'settings', 'ea']);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** An operand that is a process or command substitution, not a file name. */
const SUBSTITUTION_OPERAND = /^(?:<\(|\$\(|`)/;
const WHITESPACE_RUN = /\s+/g;

/** How a shell is started, as far as the config shows. */
type ShellRun =
  | { kind: 'script'; at: Word; text: string }
  | { kind: 'encoded'; at: Word; text: string | undefined }
  | { kind: 'file'; at: Word; text: string }
  | { kind: 'interactive' };

export const shellCommandRule = perServerRule(
  {
    id: 'shell-command',
    category: 'dangerous-command',
    severity: 'medium',
    title: 'Server started through a shell',
    rationale:
      'A shell wrapper (`bash -c "…"`) hides what really runs from reviews and from the launcher checks, and a download piped into a shell (`curl … | sh`) runs whatever the remote host serves that day with your permissions.',
    help: 'Run the server program directly with `command` and `args`, pinned to a version. Never pipe a download into a shell.',
  },
  (server, _ctx, report) => {
    // `unwrap` keeps `cmd` when its line is a script (operators such as `&&`), and strips it otherwise.
    const words = programWords(server);
    const first = words[0];
    if (first === undefined) return;
    const prog = programName(first.value);
    const run = POSIX_SHELLS.has(prog)
      ? posixRun(words)
      : POWERSHELLS.has(prog)
        ? powershellRun(words, prog)
        : prog === 'cmd'
          ? cmdRun(words)
          : NPM_EXECUTORS.has(prog)
            ? npmCallRun(words, prog)
            : undefined;
    if (run === undefined) {
      // No shell wrapper, but a single argument may still carry a pipeline for a launcher that evaluates it.
      let piped = false;
      for (const w of words) {
        if (w.path && pipesDownloadToInterpreter(w.value)) {
          piped = true;
          report({ server, path: w.path, severity: 'critical', message: `Server "${server.name}" pipes a download into an interpreter: ${excerpt(w.value)}.` });
        }
      }
      if (piped) return;
      // `python3 -c "…urlopen(…)…exec…"`, `node -e "fetch(…).then(…eval…)"`.
      const code = inlineCode(words, prog);
      if (code?.at.path !== undefined && (downloadsAndRuns(code.text) || codeFetchesAndEvals(words.map((w) => w.value).join(' '), code.text))) {
        report({ server, path: code.at.path, severity: 'critical', message: `Server "${server.name}" downloads code and runs it through ${prog}: ${excerpt(code.text)}.` });
        return;
      }
      // `deno run -A https://…`: whatever the URL serves today, with the permissions granted.
      const remote = remoteProgram(words, prog);
      if (remote?.path !== undefined) {
        report({ server, path: remote.path, severity: 'critical', message: `Server "${server.name}" runs a program straight from a URL through ${prog}: ${excerpt(remote.value)}.` });
      }
      return;
    }
    const hit = judge(server, prog, run);
    const path = run.kind === 'interactive' ? first.path : run.at.path;
    if (path !== undefined) report({ server, path, ...hit });
  },
);

function judge(server: McpServer, prog: string, run: ShellRun): { severity: Severity; message: string } {
  const who = `Server "${server.name}"`;
  switch (run.kind) {
    case 'script':
      if (downloadsAndRuns(run.text)) return { severity: 'critical', message: `${who} downloads code and runs it through ${prog}: ${excerpt(run.text)}.` };
      return { severity: 'medium', message: `${who} runs a ${prog} script instead of a program: ${excerpt(run.text)}.` };
    case 'encoded':
      if (run.text !== undefined && downloadsAndRuns(run.text)) {
        return { severity: 'critical', message: `${who} downloads code and runs it through ${prog}, hidden in a base64 -EncodedCommand that decodes to ${excerpt(run.text)}.` };
      }
      return {
        severity: 'high',
        message: `${who} runs a ${prog} script hidden in base64 (-EncodedCommand): reviews of the config cannot see what it does${run.text === undefined ? '' : `; it decodes to ${excerpt(run.text)}`}.`,
      };
    case 'file':
      // `bash <(curl …)`: the "file" is a download.
      if (downloadsAndRuns(`${prog} ${run.text}`)) return { severity: 'critical', message: `${who} downloads code and runs it through ${prog}: ${excerpt(run.text)}.` };
      return { severity: 'low', message: `${who} runs the script file ${excerpt(run.text)} through ${prog}: what it runs is not visible in the config.` };
    case 'interactive':
      return { severity: 'low', message: `${who} starts an interactive ${prog}; what it runs is not visible in the config.` };
  }
}

/**
 * The program code given to an interpreter in an argument (`python3 -c CODE`, `node -e CODE`,
 * `deno eval CODE`); rejoined when it was split out of a `command` string.
 */
function inlineCode(words: readonly Word[], prog: string): { at: Word; text: string } | undefined {
  if (prog === 'deno') {
    const k = words.findIndex((w, i) => i > 0 && !w.value.startsWith('-'));
    if (k === -1 || (words[k] as Word).value !== 'eval') return undefined;
    const c = words.findIndex((w, i) => i > k && !w.value.startsWith('-'));
    return c === -1 ? undefined : { at: words[c] as Word, text: scriptAt(words, c, false) };
  }
  const family = CODE_SWITCHES.find((f) => f.program.test(prog));
  if (family === undefined) return undefined;
  for (let k = 1; k < words.length; k++) {
    const v = (words[k] as Word).value;
    if (!v.startsWith('-') || v === '-' || v === '--' || v === '-m') return undefined;
    if (family.code(v)) return k + 1 < words.length ? { at: words[k + 1] as Word, text: scriptAt(words, k + 1, false) } : undefined;
    const eq = v.indexOf('=');
    if (eq !== -1 && family.code(v.slice(0, eq))) return { at: words[k] as Word, text: v.slice(eq + 1) };
  }
  return undefined;
}

/** The URL of `deno run [options] https://…` (or `deno https://…`), the program run straight from it. */
function remoteProgram(words: readonly Word[], prog: string): Word | undefined {
  if (prog !== 'deno') return undefined;
  let subcommand = false;
  for (let k = 1; k < words.length; k++) {
    const v = (words[k] as Word).value;
    if (v === '--') return undefined;
    if (v.startsWith('-')) {
      if (DENO_VALUE_OPTIONS.has(v)) k++;
      continue;
    }
    if (!subcommand && (v === 'run' || v === 'serve')) {
      subcommand = true;
      continue;
    }
    return REMOTE_URL.test(v) ? (words[k] as Word) : undefined;
  }
  return undefined;
}

/** `npx -c "…"`, `npx --call "…"`, `npm exec -c "…"` (also `x`): npm runs the string in a shell, like `sh -c`. */
function npmCallRun(words: readonly Word[], prog: string): ShellRun | undefined {
  let k = 1;
  if (prog === 'npm') {
    const sub = words[1]?.value;
    if (sub !== 'exec' && sub !== 'x') return undefined;
    k = 2;
  }
  for (; k < words.length; k++) {
    const at = words[k] as Word;
    const v = at.value;
    if (v.startsWith('--call=')) return { kind: 'script', at, text: v.slice('--call='.length) };
    if (v === '-c' || v === '--call') return k + 1 < words.length ? { kind: 'script', at: words[k + 1] as Word, text: scriptAt(words, k + 1, false) } : undefined;
    if (v === '-p' || v === '--package') k++;
    else if (v === '--' || !v.startsWith('-')) return undefined;
  }
  return undefined;
}

/**
 * The script text starting at `words[k]`. Words split out of one written string (a `command` with
 * spaces) share its path and are rejoined; separate args after a POSIX script are its `$0 $1…`,
 * not part of it, unless `all` (cmd and PowerShell join the rest of the line into the command).
 */
function scriptAt(words: readonly Word[], k: number, all: boolean): string {
  const at = words[k] as Word;
  let text = at.value;
  for (let j = k + 1; j < words.length; j++) {
    const w = words[j] as Word;
    if (!all && w.path !== at.path) break;
    text += ' ' + w.value;
  }
  return text;
}

/** `bash -c "…"`, `sh -xc "…"`, `bash -e -c "…"`, `fish --command "…"`, `bash ./start.sh`, `bash`. */
function posixRun(words: readonly Word[]): ShellRun {
  let scriptFlag = false;
  let k = 1;
  for (; k < words.length; k++) {
    const v = (words[k] as Word).value;
    if (v === '--' || v === '-') {
      k++;
      break;
    }
    if (v.startsWith('--command=')) {
      const at = words[k] as Word;
      return { kind: 'script', at, text: v.slice('--command='.length) };
    }
    if (v === '--command') scriptFlag = true;
    else if (POSIX_VALUE_OPTIONS.has(v)) k++;
    else if (POSIX_SWITCHES.test(v)) {
      // `-o name` / `-O name` (set / shopt options) take the next word, even grouped (`-eo pipefail`).
      if (v.startsWith('-') && v.includes('c')) scriptFlag = true;
      if (v.includes('o') || v.includes('O')) k++;
    } else if (!v.startsWith('-')) break;
  }
  if (k >= words.length) return { kind: 'interactive' };
  if (scriptFlag) return { kind: 'script', at: words[k] as Word, text: scriptAt(words, k, false) };
  const operand = (words[k] as Word).value;
  // `bash <(curl …)`: a process substitution, maybe split over several args; keep all of it.
  if (SUBSTITUTION_OPERAND.test(operand)) return { kind: 'file', at: words[k] as Word, text: scriptAt(words, k, true) };
  return { kind: 'file', at: words[k] as Word, text: operand };
}

/** `cmd /c …` that `unwrap` kept because its line is a script, or a bare `cmd`. */
function cmdRun(words: readonly Word[]): ShellRun {
  const k = cmdScriptStart(words);
  return k === -1 ? { kind: 'interactive' } : { kind: 'script', at: words[k] as Word, text: scriptAt(words, k, true) };
}

/**
 * `pwsh -Command …` / `-c`, `-EncodedCommand` (`-e`, `-ec`, `-enc`…), `-File` / `-f`, or a bare
 * operand, which Windows PowerShell runs as a command and pwsh as a script file.
 */
function powershellRun(words: readonly Word[], prog: string): ShellRun {
  for (let k = 1; k < words.length; k++) {
    const v = (words[k] as Word).value;
    if (!WINDOWS_SWITCH.test(v)) {
      return prog === 'pwsh' ? { kind: 'file', at: words[k] as Word, text: v } : { kind: 'script', at: words[k] as Word, text: scriptAt(words, k, true) };
    }
    const name = v.slice(1).toLowerCase();
    const next = words[k + 1];
    if (name === 'c' || (name.length >= 3 && 'command'.startsWith(name))) {
      return next === undefined ? { kind: 'interactive' } : { kind: 'script', at: next, text: scriptAt(words, k + 1, true) };
    }
    if (name === 'ec' || (name.startsWith('e') && 'encodedcommand'.startsWith(name))) {
      return next === undefined ? { kind: 'interactive' } : { kind: 'encoded', at: next, text: decodeCommand(next.value) };
    }
    if (name === 'f' || (name.length >= 2 && 'file'.startsWith(name))) {
      return next === undefined ? { kind: 'interactive' } : { kind: 'file', at: next, text: next.value };
    }
    if (PWSH_VALUE_ALIASES.has(name) || (name.length >= 3 && PWSH_VALUE_PARAMS.some((p) => p.startsWith(name)))) k++;
  }
  return { kind: 'interactive' };
}

/** The text of a PowerShell `-EncodedCommand` (base64 of UTF-16LE), or undefined when it is not one. */
function decodeCommand(value: string): string | undefined {
  // A bounded prefix is enough to judge and quote it, whatever its size.
  const b64 = value.trim().slice(0, 8192);
  if (!BASE64.test(b64)) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf16le');
  return text.trim() === '' || !isPrintable(text) ? undefined : text;
}

/** False when `text` holds control characters or replacement marks: base64 that is not UTF-16 text decodes to those. */
function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd) return false;
  }
  return true;
}

/** A quotable excerpt of a script: one line, bounded, secrets masked (before cutting, so no secret is cut in half). */
function excerpt(s: string): string {
  const one = maskScriptSecrets(s).replace(WHITESPACE_RUN, ' ').trim();
  return JSON.stringify(one.length > 120 ? one.slice(0, 117) + '…' : one);
}
