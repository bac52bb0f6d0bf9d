/** Words of a tool name: `run_shellCommand-v2` -> [run, shell, command, v2]. */
export function toolWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export type Danger = 'execute' | 'delete' | 'send' | 'write';

/** Verbs that classify a tool when they lead its name (`create_issue`, `run_query`). */
const LEADING: Record<string, Danger> = {
  exec: 'execute', execute: 'execute', run: 'execute', shell: 'execute', bash: 'execute', eval: 'execute', spawn: 'execute', sudo: 'execute', install: 'execute',
  delete: 'delete', remove: 'delete', rm: 'delete', drop: 'delete', destroy: 'delete', kill: 'delete', purge: 'delete', truncate: 'delete', wipe: 'delete', unlink: 'delete', erase: 'delete',
  send: 'send', post: 'send', email: 'send', upload: 'send', publish: 'send', deploy: 'send', transfer: 'send', pay: 'send', tweet: 'send', notify: 'send', share: 'send', invite: 'send',
  write: 'write', edit: 'write', create: 'write', update: 'write', modify: 'write', move: 'write', rename: 'write', push: 'write', merge: 'write',
  commit: 'write', set: 'write', put: 'write', patch: 'write', insert: 'write', replace: 'write', save: 'write', append: 'write', add: 'write', close: 'write',
};

/** Words that classify a tool wherever they stand (`browser_execute_js`, `file_delete`). */
const ANYWHERE: Record<string, Danger> = {
  exec: 'execute', execute: 'execute', shell: 'execute', bash: 'execute', terminal: 'execute', eval: 'execute', sudo: 'execute',
  delete: 'delete', destroy: 'delete', drop: 'delete', purge: 'delete', wipe: 'delete',
  send: 'send', upload: 'send', publish: 'send', deploy: 'send', transfer: 'send',
  write: 'write',
};

const ORDER: Danger[] = ['write', 'send', 'delete', 'execute'];

/** What a tool name says it does that deserves a person's eye, or undefined for read-only-sounding names. */
export function dangerOf(toolName: string): Danger | undefined {
  let worst: Danger | undefined;
  toolWords(toolName).forEach((w, i) => {
    const d = (i === 0 ? LEADING[w] : undefined) ?? ANYWHERE[w];
    if (d && (worst === undefined || ORDER.indexOf(d) > ORDER.indexOf(worst))) worst = d;
  });
  return worst;
}
