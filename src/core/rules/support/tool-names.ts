/** Words of a tool name: `run_shellCommand-v2` -> [run, shell, command, v2]. */
export function toolWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export type Danger = 'execute' | 'delete' | 'send' | 'write';

// Maps, not object literals: a tool called `constructor` or `__proto__` must not find Object's own
// properties (`LEADING['constructor']` is the Object function).

/** Verbs that classify a tool when they lead its name (`create_issue`, `run_query`). */
const LEADING: ReadonlyMap<string, Danger> = new Map<string, Danger>([
  ...verbs('execute', 'exec execute run shell bash eval evaluate invoke spawn sudo install'),
  ...verbs('delete', 'delete remove rm drop destroy kill purge truncate wipe unlink erase'),
  ...verbs('send', 'send post reply email upload publish deploy transfer pay tweet notify share invite'),
  ...verbs(
    'write',
    'write edit create update modify move rename push merge commit set put patch insert replace save append add close comment apply reset checkout revert rebase migrate init',
  ),
]);

/** Words that classify a tool wherever they stand (`browser_execute_js`, `file_delete`). */
const ANYWHERE: ReadonlyMap<string, Danger> = new Map<string, Danger>([
  ...verbs('execute', 'exec execute shell bash terminal eval sudo'),
  ...verbs('delete', 'delete destroy drop purge wipe'),
  ...verbs('send', 'send upload publish deploy transfer'),
  ...verbs('write', 'write'),
]);

/**
 * Service names that servers put in front of their verbs (`git_commit`, `slack_post_message`,
 * `puppeteer_evaluate`, `kubectl_apply`): the word after one of them is read as a leading verb.
 */
const NAMESPACES: ReadonlySet<string> = new Set(
  (
    'git github gitlab gitea bitbucket slack discord teams telegram whatsapp puppeteer playwright browser page selenium ' +
    'kubectl k8s kubernetes helm docker podman db database sql postgres postgresql pg mysql sqlite mssql redis mongo mongodb ' +
    'supabase neon aws s3 gcp gcs azure linear jira notion confluence fs filesystem file files gmail mail sentry stripe vercel ' +
    'cloudflare npm'
  ).split(' '),
);

function verbs(danger: Danger, list: string): [string, Danger][] {
  return list.split(' ').map((w) => [w, danger]);
}

const ORDER: readonly Danger[] = ['write', 'send', 'delete', 'execute'];

/** What a tool name says it does that deserves a person's eye, or undefined for read-only-sounding names. */
export function dangerOf(toolName: string): Danger | undefined {
  let worst: Danger | undefined;
  const words = toolWords(toolName);
  const leads = words.length > 1 && NAMESPACES.has(words[0] as string) ? 2 : 1;
  words.forEach((w, i) => {
    const d = (i < leads ? LEADING.get(w) : undefined) ?? ANYWHERE.get(w);
    if (d !== undefined && (worst === undefined || ORDER.indexOf(d) > ORDER.indexOf(worst))) worst = d;
  });
  return worst;
}
