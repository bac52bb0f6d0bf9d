import { redactSecrets } from '../secrets/detect-secrets';
import { perServerRule } from './rule';
import { argv, programName, unwrap, type Word } from './support/command-line';

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'ash', 'cmd', 'powershell', 'pwsh']);
const SCRIPT_FLAGS = new Set(['-c', '/c', '/k', '-command', '-encodedcommand', '-e', '-ec', '-lc', '-ic']);
/** `curl … | sh`, `wget -O- … | bash`, `iwr … | iex`: remote code straight into an interpreter. */
const PIPE_TO_SHELL = /\b(curl|wget|iwr|invoke-webrequest|irm|invoke-restmethod)\b[^|]*\|\s*(sudo\s+)?(sh|bash|zsh|dash|python3?|node|perl|ruby|iex|invoke-expression|pwsh|powershell)\b/i;
const EVAL_DOWNLOAD = /\b(eval|source|\.)\s+["'`]?\$\((curl|wget)\b|\biex\s*\(\s*(new-object\s+net\.webclient|iwr|irm)/i;

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
  function* (server) {
    const words = unwrap(argv(server));
    const first = words[0];
    if (first === undefined) return;
    const prog = programName(first.value);
    if (!SHELLS.has(prog)) {
      // No shell wrapper, but a single argument may still carry a pipeline for a launcher that evaluates it.
      for (const w of words) {
        if (w.path && PIPE_TO_SHELL.test(w.value)) {
          yield { server, path: w.path, severity: 'critical', message: `Server "${server.name}" pipes a download into an interpreter: ${excerpt(w.value)}.` };
        }
      }
      return;
    }
    const flagIndex = words.findIndex((w, i) => i > 0 && SCRIPT_FLAGS.has(w.value.toLowerCase()));
    const script: Word | undefined = flagIndex === -1 ? undefined : words[flagIndex + 1];
    const at = script ?? first;
    if (at.path === undefined) return;
    const text = script?.value ?? '';
    if (PIPE_TO_SHELL.test(text) || EVAL_DOWNLOAD.test(text)) {
      yield { server, path: at.path, severity: 'critical', message: `Server "${server.name}" downloads code and runs it through ${prog}: ${excerpt(text)}.` };
    } else if (script !== undefined) {
      yield { server, path: at.path, message: `Server "${server.name}" runs a ${prog} script instead of a program: ${excerpt(text)}.` };
    } else {
      yield { server, path: at.path, severity: 'low', message: `Server "${server.name}" starts an interactive ${prog}; what it runs is not visible in the config.` };
    }
  },
);

/** A quotable excerpt of a script: one line, bounded, secrets masked. */
function excerpt(s: string): string {
  const one = redactSecrets(s).replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > 120 ? one.slice(0, 117) + '…' : one);
}
