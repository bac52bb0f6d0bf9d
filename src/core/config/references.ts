/**
 * Client variable references inside config values. The client substitutes them at launch, so the
 * text of a reference names where a value comes from; it is never the value (and never a secret).
 */
export type ReferenceKind = 'env' | 'input' | 'workspace' | 'file' | 'shell';

export interface ConfigReference {
  kind: ReferenceKind;
  /** The variable, input id, predefined variable or file path the reference names. */
  name: string;
  /** Offsets into the value as given (end exclusive). */
  start: number;
  end: number;
}

/**
 * References that may sit anywhere in a value. One alternation per kind, so the regex engine picks
 * the leftmost one and `${env:X}` is matched from its `$` rather than as Kilo's `{env:X}` after it.
 *  1. `${env:VAR}` (VS Code, legacy KiloCode) and `{env:VAR}` (Kilo)
 *  2. `${input:id}` (VS Code `inputs`)
 *  3. `{file:path}` (Kilo; a `$` in front is tolerated) — paths may contain spaces, not newlines
 *  4. VS Code predefined variables; `${workspaceFolder:name}` is the multi-root form, `${/}` the
 *     short form of `${pathSeparator}`
 */
const EMBEDDED =
  /\$?\{env:([^{}\s]+)\}|\$\{input:([^{}\s]+)\}|\$?\{file:([^{}\r\n]+)\}|\$\{(workspaceFolder(?::[^{}\s]+)?|workspaceFolderBasename|userHome|pathSeparator|\/)\}/g;

/**
 * `$VAR` / `${VAR}`: only recognised as the whole value, because clients that pass env through a
 * shell expand them, while `$` inside longer text is too often literal (passwords, regexes).
 */
const SHELL_WHOLE = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

export function findReferences(value: string): ConfigReference[] {
  // Most values (paths, flags, package names) have neither character: skip the regex entirely.
  if (value.indexOf('{') === -1 && value.indexOf('$') === -1) return [];
  const out: ConfigReference[] = [];
  EMBEDDED.lastIndex = 0;
  for (let m = EMBEDDED.exec(value); m !== null; m = EMBEDDED.exec(value)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) out.push({ kind: 'env', name: m[1], start, end });
    else if (m[2] !== undefined) out.push({ kind: 'input', name: m[2], start, end });
    else if (m[3] !== undefined) out.push({ kind: 'file', name: m[3], start, end });
    else if (m[4] !== undefined) out.push({ kind: 'workspace', name: m[4], start, end });
  }
  EMBEDDED.lastIndex = 0;
  if (out.length > 0) return out;

  const trimmed = value.trim();
  const shell = SHELL_WHOLE.exec(trimmed);
  if (shell) {
    const start = value.length - value.trimStart().length;
    out.push({ kind: 'shell', name: shell[1] ?? shell[2] ?? '', start, end: start + trimmed.length });
  }
  return out;
}

/** True when the value, ignoring surrounding whitespace, is exactly one reference. */
export function isPureReference(value: string): boolean {
  const refs = findReferences(value);
  const only = refs[0];
  if (refs.length !== 1 || only === undefined) return false;
  return value.slice(0, only.start).trim() === '' && value.slice(only.end).trim() === '';
}

/** The value with every reference cut out: what is left is literal text written into the config. */
export function stripReferences(value: string): string {
  const refs = findReferences(value);
  if (refs.length === 0) return value;
  let out = '';
  let at = 0;
  for (const r of refs) {
    out += value.slice(at, r.start);
    at = r.end;
  }
  return out + value.slice(at);
}

/** How to write a reference to environment variable `varName` in the given config family. */
export function envReference(format: 'kilo' | 'other', varName: string): string {
  // New Kilo (kilo.json) writes `{env:X}`; VS Code, legacy KiloCode, Roo, Cline and Cursor `${env:X}`.
  return format === 'kilo' ? `{env:${varName}}` : `\${env:${varName}}`;
}

/** Field names already written as environment variables (`GITHUB_TOKEN`) are suggested unchanged. */
const ENV_VAR_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

function toUpperSnake(s: string): string {
  const snake = s
    // Decompose accented letters so `clé` becomes `CLE`, not `CL_`.
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    // camelCase and PascalCase humps become word breaks: apiKey → api_Key, XApiKey → X_Api_Key.
    // The second as lookarounds, one step per position: `([A-Z]+)([A-Z][a-z])` is quadratic on
    // a long run of capitals.
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/(?<=[A-Z])(?=[A-Z][a-z])/g, '_')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
  // Runs are single `_` now; cut one at either end (by hand: `_+$` rescans every run).
  const from = snake.startsWith('_') ? 1 : 0;
  const to = snake.length > from && snake.endsWith('_') ? snake.length - 1 : snake.length;
  return snake.slice(from, to);
}

/**
 * An UPPER_SNAKE environment variable name to move a secret in field `fieldName` of server
 * `serverName` into. The server name is prefixed so that two servers' `Authorization` headers do
 * not collide, unless the field already starts with it (`github-token` of `github` → GITHUB_TOKEN).
 */
export function suggestEnvVarName(fieldName: string, serverName: string): string {
  if (ENV_VAR_NAME.test(fieldName)) return fieldName;
  const field = toUpperSnake(fieldName) || 'SECRET';
  const server = toUpperSnake(serverName);
  let name = server && field !== server && !field.startsWith(`${server}_`) ? `${server}_${field}` : field;
  // POSIX shells reject names that start with a digit (a server called `1password`, say).
  if (/^[0-9]/.test(name)) name = `MCP_${name}`;
  return name;
}
