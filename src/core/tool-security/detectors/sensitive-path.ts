import type { TextDetector } from '../detector';
import { matches, nearby } from '../detector';

/**
 * Credential stores and agent configuration named in text a model reads: SSH keys, cloud and
 * package-registry credentials, `.env` files, browser and wallet stores, `/etc/shadow`, and the MCP
 * configs of agents (which hold every other server's tokens). The published tool-poisoning attacks
 * ask the model to read `~/.cursor/mcp.json` or `~/.ssh/id_rsa` and pass the content as an argument.
 *
 * A mention alone is medium; a verb of reading or passing on in the same sentence makes it high.
 * Tuned against real servers: the Kubernetes server's "Kubeconfig Context" parameter and generic
 * words (credentials, token) are not paths and are not reported here.
 */
const PATHS = new RegExp(
  [
    String.raw`~?[\\/]?\.ssh(?![A-Za-z])(?:[\\/][\w.-]{0,40})?`,
    String.raw`\bid_(?:rsa|dsa|ecdsa|ed25519)(?:\.pub)?\b`,
    String.raw`\bauthorized_keys\b`,
    String.raw`\.aws[\\/](?:credentials|config)\b`,
    String.raw`\.azure[\\/][\w.-]{1,40}`,
    String.raw`\.config[\\/]gcloud\b`,
    String.raw`\bapplication_default_credentials\.json\b`,
    String.raw`\.kube[\\/]config\b`,
    String.raw`\.docker[\\/]config\.json\b`,
    String.raw`(?:^|[\s'"\x60(~\\/])\.(?:npmrc|pypirc|netrc|git-credentials|vault-token|pgpass|my\.cnf)\b`,
    String.raw`(?:^|[\s'"\x60(~\\/])\.env(?:\.(?:local|production|prod|development|dev|secret|secrets))?(?![\w.-])`,
    String.raw`\.config[\\/](?:gh[\\/]hosts\.yml|hub)\b`,
    String.raw`\.terraform\.d[\\/]credentials`,
    String.raw`\.gnupg\b`,
    String.raw`\.password-store\b`,
    String.raw`\b(?:cline_)?mcp(?:_settings|_config)?\.json\b`,
    String.raw`\bclaude_desktop_config\.json\b`,
    String.raw`\.(?:cursor|kilocode|roo|codeium|continue|windsurf)[\\/][\w./-]{0,40}`,
    String.raw`\bkilo\.jsonc?\b`,
    String.raw`\/etc\/(?:passwd|shadow|sudoers|gshadow)\b`,
    String.raw`\.(?:bash|zsh|sh|python|psql|mysql|node_repl)_history\b`,
    String.raw`\bwallet\.dat\b`,
    String.raw`\.(?:bitcoin|ethereum|electrum)\b(?:[\\/][\w.-]{0,40})?`,
    String.raw`\bLogin\s{1,2}Data\b`,
    String.raw`\b(?:keychain|keyring)s?[\\/][\w.-]{1,40}`,
    String.raw`\blogin\.keychain(?:-db)?\b`,
  ].join('|'),
  'gi',
);

/** Verbs that turn a mention into an instruction to read or pass the file on. */
const ACT =
  /\b(?:read|reads|reading|open|cat|load|access|get|fetch|retrieve|pass|send|include|provide|upload|copy|attach|print|output|dump|paste|embed|append|contents?\s{1,3}of|content|exfiltrate|leak|forward)\b/i;

export const sensitivePath: TextDetector = ({ norm }, emit) => {
  const text = norm.text;
  for (const m of matches(PATHS, text, 10)) {
    // The leading separator some alternatives need is context, not part of the path.
    const lead = /^[\s'"`(]/.test(m[0]) ? 1 : 0;
    const start = m.index + lead;
    let end = m.index + m[0].length;
    // A sentence's full stop is not part of the path.
    while (end > start + 1 && text[end - 1] === '.') end--;
    const acted = nearby(text, start, end, ACT);
    emit({
      ruleId: 'tool-sensitive-path',
      severity: acted ? 'high' : 'medium',
      start,
      end,
      message: acted
        ? `Asks the model to read or pass on ${text.slice(start, end).trim()}: a credential store or agent configuration.`
        : `Mentions ${text.slice(start, end).trim()}: a credential store or agent configuration.`,
    });
  }
};
