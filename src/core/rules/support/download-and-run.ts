import { programName } from './command-line';

// Detection of scripts that download code and run it (for the shell-command rule).
//
// Every pattern here runs on untrusted text of any size, so each is linear: literal alternations,
// and quantified runs that cannot overlap the next possible start (or are bounded). Pipelines and
// command lists are split by hand rather than scanned with `[^|]*`, which is quadratic on
// `curl curl curl …`.

/** Programs and calls that fetch a URL, in a shell or PowerShell command. */
const DOWNLOADER = /\b(?:curl|wget|iwr|invoke-webrequest|irm|invoke-restmethod)\b|\bnet\.webclient\b|\bdownloadstring\b/i;
/** What follows a `|` when the pipe feeds an interpreter: `| sh`, `| sudo -E bash`, `|iex`. */
const INTERPRETER_AFTER_PIPE =
  /^\s*(?:sudo\s+(?:-\S{1,32}\s+){0,4})?(?:sh|bash|zsh|dash|ksh|mksh|ash|fish|python[0-9.]*|node|deno|bun|perl|ruby|php|iex|invoke-expression|pwsh|powershell)\b/i;
const FETCH_COMMAND = '(?:curl|wget|iwr|irm|invoke-webrequest|invoke-restmethod)\\b';
/**
 * A download substituted into a command that runs it: `eval "$(curl …)"`, `source <(curl …)`,
 * `. <(wget -O- …)`, `bash <(curl …)`, `sh -c "$(curl …)"`, `python3 <(curl …)`.
 */
const RUNS_SUBSTITUTION = new RegExp(
  '(?:^|[\\s;&|(){}`"\'])(?:eval|source|\\.|exec|sh|bash|zsh|dash|ksh|mksh|ash|fish|python[0-9.]*|node|deno|bun|perl|ruby|php)\\s+' +
    '(?:[-+][^\\s"\'`]{1,32}\\s+){0,4}["\']?(?:\\$\\(|<\\(|`)\\s*' +
    FETCH_COMMAND,
  'i',
);
/**
 * A download substituted where a command stands, so its output is the command: `bash -c "$(curl -fsSL …)"`.
 * Only blanks (not line breaks, which are separators) may follow a separator: `\s*` there would
 * let every line break of a long run of them rescan the rest.
 */
const SUBSTITUTION_AS_COMMAND = new RegExp('(?:^|[;&|({\\r\\n]|\\b(?:then|do|else)\\s)[ \\t]*["\']?(?:\\$\\(|`)\\s*' + FETCH_COMMAND, 'i');
/** In program code: library calls that fetch a URL (`urlopen`, `fetch(`, `Net::HTTP`, `DownloadString`, `iwr`). */
const CODE_FETCH =
  /\burlopen\b|\burllib\b|\burlretrieve\b|\b(?:requests|httpx)\s*\.\s*(?:get|post|request)\b|\bhttp\.client\b|\bfetch\s*\(|\bhttps?\s*\.\s*(?:get|request)\s*\(|\brequire\s*\(\s*["'](?:node:)?https?["']\s*\)|\baxios\b|\bXMLHttpRequest\b|Net::HTTP\b|open-uri\b|\bURI\s*\.\s*open\b|LWP::|HTTP::Tiny\b|\bfile_get_contents\s*\(\s*["']https?:|\bnet\.webclient\b|\bdownload(?:string|file)\b|\b(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b/i;
/** In program code: calls that run text as code (case matters: `Function(` is not `function (`). */
const CODE_EVAL =
  /(?<![\w.$])(?:eval|exec|execfile)\b|\bFunction\s*\(|\bvm\s*\.\s*(?:runIn\w+|Script|compileFunction)\b|\brunIn(?:This|New)Context\b|\binstance_eval\b|\bimport\s*\(\s*["'`]data:/;
/** The PowerShell ones. */
const PWSH_EVAL = /\b(?:iex|invoke-expression)\b|\[scriptblock\]\s*::\s*create\b|\.invokecommand\.invokescript\b/i;


/** Splits a script into commands (`&&`, `||`, `;`, `|`, `&`, line breaks); quotes are not tracked: this is a heuristic. */
const COMMAND_SEPARATOR = /[;&|\r\n]+/;
/** Splits a command into words; redirections (`> /tmp/i.sh`) separate words too. */
const WORD_SEPARATOR = /[\s<>]+/;
/** Quotes and brackets around a word, cut before it is judged. */
const WORD_WRAPPING = new Set(['"', "'", '`', '(', ')', '{', '}', '[', ']']);
/** Words in front of the program of a command: `sudo`, `exec`, `then`…, and `NAME=value` assignments. */
const COMMAND_PREFIXES = new Set(['sudo', 'exec', 'then', 'do', 'else', 'nohup', 'env', 'command', 'time', 'call', '!']);
const ASSIGNMENT_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Programs that download a URL to a file. */
const FILE_DOWNLOADERS = new Set(['curl', 'wget', 'iwr', 'invoke-webrequest', 'irm', 'invoke-restmethod', 'aria2c', 'start-bitstransfer', 'certutil', 'bitsadmin']);
/** Programs that run a file given as an operand. */
const FILE_RUNNERS =
  /^(?:sh|bash|zsh|dash|ksh|mksh|ash|fish|source|\.|&|python[0-9.]*|py|node|nodejs|deno|bun|perl|ruby|php|pwsh|powershell|cmd|start|start-process|invoke-item|msiexec|rundll32|cscript|wscript)$/;

/**
 * True when a script downloads code and runs it: piped into an interpreter, substituted into a
 * command (`eval "$(curl …)"`, `bash <(curl …)`, `sh -c "$(curl …)"`), saved to a file that a later
 * command runs (`curl … -o /tmp/i.sh && sh /tmp/i.sh`), or fetched and evaluated by inline code.
 */
export function downloadsAndRuns(text: string): boolean {
  return (
    pipesDownloadToInterpreter(text) ||
    RUNS_SUBSTITUTION.test(text) ||
    SUBSTITUTION_AS_COMMAND.test(text) ||
    runsDownloadedFile(text) ||
    codeFetchesAndEvals(text, text)
  );
}

/** `curl … | sh`, `wget -O- … | sudo bash`, `iwr … | iex`: a download command right before a pipe into an interpreter. */
export function pipesDownloadToInterpreter(text: string): boolean {
  if (!text.includes('|')) return false;
  const segments = text.split('|');
  for (let i = 0; i + 1 < segments.length; i++) {
    if (DOWNLOADER.test(segments[i] as string) && INTERPRETER_AFTER_PIPE.test(segments[i + 1] as string)) return true;
  }
  return false;
}

/** Program code (or the words around it, for `perl -MLWP::Simple -e …`) that fetches a URL and evaluates text. */
export function codeFetchesAndEvals(context: string, code: string): boolean {
  return CODE_FETCH.test(context) && (CODE_EVAL.test(code) || PWSH_EVAL.test(code));
}

/** A command that runs a file an earlier command of the script downloaded (matched by file name). */
function runsDownloadedFile(text: string): boolean {
  const downloaded = new Set<string>();
  for (const command of text.split(COMMAND_SEPARATOR)) {
    const words = command
      .split(WORD_SEPARATOR)
      .map(unwrapWord)
      .filter((w) => w !== '');
    let k = 0;
    while (k < words.length && (COMMAND_PREFIXES.has((words[k] as string).toLowerCase()) || ASSIGNMENT_WORD.test(words[k] as string))) k++;
    const head = words[k];
    if (head === undefined) continue;
    const prog = programName(head);
    if (FILE_DOWNLOADERS.has(prog)) {
      // Every operand and option value: the URL (whose name `-O` and wget keep) and the output file.
      for (const w of words.slice(k + 1)) {
        let target = w;
        if (w.startsWith('--')) target = w.includes('=') ? w.slice(w.indexOf('=') + 1) : ''; // --output=/tmp/i.sh
        else if (/^-[oO]./.test(w)) target = w.slice(2); // -o/tmp/i.sh
        else if (w.startsWith('-')) target = '';
        const name = fileName(target);
        if (name !== '') downloaded.add(name);
      }
      continue;
    }
    if (downloaded.size === 0) continue;
    // `./i.sh`, `/tmp/i.sh`, `.\i.ps1`, `i.bat`: the downloaded file itself; `sh /tmp/i.sh`: the
    // program a runner runs (its first operand: `node index.js data.json` only reads the download).
    if ((/[\\/]/.test(head) || fileName(head).includes('.')) && downloaded.has(fileName(head))) return true;
    const operand = words.slice(k + 1).find((w) => !w.startsWith('-'));
    if (operand !== undefined && FILE_RUNNERS.test(prog) && downloaded.has(fileName(operand))) return true;
  }
  return false;
}

/** `"/tmp/i.sh";` -> `/tmp/i.sh`. */
function unwrapWord(word: string): string {
  let from = 0;
  let to = word.length;
  while (from < to && WORD_WRAPPING.has(word.charAt(from))) from++;
  while (to > from && (WORD_WRAPPING.has(word.charAt(to - 1)) || word.charAt(to - 1) === ',')) to--;
  return word.slice(from, to);
}

/** The last path segment of a path or URL, lower-case, without a query: `https://x/i.sh?v=1` -> `i.sh`. */
function fileName(path: string): string {
  let end = path.length;
  const query = path.search(/[?#]/);
  if (query !== -1) end = query;
  const bare = path.slice(0, end);
  const cut = Math.max(bare.lastIndexOf('/'), bare.lastIndexOf('\\'));
  return bare.slice(cut + 1).toLowerCase();
}
