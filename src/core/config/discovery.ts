import { parse as parseJsonc } from 'jsonc-parser';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { FormatId } from '../model/server';
import type { Scope } from '../model/scope';
import type { ClientId } from '../model/source';
import type { FileSystemPort } from '../ports/file-system';

/** A file that may hold MCP servers, and which clients read it at what precedence (higher wins by name). */
export interface Candidate {
  file: string;
  displayPath: string;
  format: FormatId;
  scope: Scope;
  readBy: { client: ClientId; precedence: number }[];
}

export interface DiscoveryOptions {
  /** Project folder; omit to read no project files. */
  workspace?: string;
  /** Home folder; global files are read only when this is set and `includeGlobal` is true. */
  home?: string;
  includeGlobal: boolean;
  platform: NodeJS.Platform;
  /** `XDG_CONFIG_HOME` and `APPDATA`, as the clients resolve them. */
  env: { XDG_CONFIG_HOME?: string | undefined; APPDATA?: string | undefined };
  /** VS Code's `User/globalStorage` folder; the extension knows it exactly, the CLI guesses per platform. */
  vscodeGlobalStorage?: string;
}

/**
 * Lists where each client looks, in the client's own order. Legacy KiloCode reads the first of
 * `.kilocode/mcp.json`, `.cursor/mcp.json`, `.mcp.json` that exists, so this needs the file system.
 */
export async function discoverCandidates(fs: FileSystemPort, opts: DiscoveryOptions): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const ws = opts.workspace;
  if (ws !== undefined) {
    const project = (rel: string, format: FormatId, readBy: Candidate['readBy']): Candidate => ({
      file: join(ws, rel),
      displayPath: rel,
      format,
      scope: 'project',
      readBy,
    });
    const exists = async (rel: string) => (await fs.stat(join(ws, rel)))?.isFile === true;
    const [hasKilocode, hasCursor] = await Promise.all([exists('.kilocode/mcp.json'), exists('.cursor/mcp.json')]);
    out.push(
      project('.kilocode/mcp.json', 'kilocode-legacy', [
        { client: 'kilocode-legacy', precedence: 10 },
        { client: 'kilo', precedence: 0 },
      ]),
      project('.cursor/mcp.json', 'cursor', [
        { client: 'cursor', precedence: 10 },
        ...(hasKilocode ? [] : [{ client: 'kilocode-legacy' as const, precedence: 10 }]),
      ]),
      project('.mcp.json', 'kilocode-legacy', hasKilocode || hasCursor ? [] : [{ client: 'kilocode-legacy', precedence: 10 }]),
      project('kilo.json', 'kilo', [{ client: 'kilo', precedence: 20 }]),
      project('kilo.jsonc', 'kilo', [{ client: 'kilo', precedence: 21 }]),
      project(join('.kilo', 'kilo.json'), 'kilo', [{ client: 'kilo', precedence: 30 }]),
      project(join('.kilo', 'kilo.jsonc'), 'kilo', [{ client: 'kilo', precedence: 31 }]),
      project(join('.vscode', 'mcp.json'), 'vscode', [{ client: 'vscode', precedence: 10 }]),
      project(join('.roo', 'mcp.json'), 'roo', [{ client: 'roo', precedence: 10 }]),
    );
  }
  const home = opts.home;
  if (opts.includeGlobal && home !== undefined) {
    const xdg = opts.env.XDG_CONFIG_HOME ?? join(home, '.config');
    const appData = opts.env.APPDATA ?? join(home, 'AppData', 'Roaming');
    const userConfig = opts.platform === 'darwin' ? join(home, 'Library', 'Application Support') : opts.platform === 'win32' ? appData : xdg;
    const gs = opts.vscodeGlobalStorage ?? join(userConfig, 'Code', 'User', 'globalStorage');
    const global = (file: string, format: FormatId, readBy: Candidate['readBy']): Candidate => ({
      file,
      displayPath: file.startsWith(home + sep) ? '~/' + relative(home, file).split(sep).join('/') : file,
      format,
      scope: 'global',
      readBy,
    });
    out.push(
      global(join(gs, 'kilocode.kilo-code', 'settings', 'mcp_settings.json'), 'kilocode-legacy', [{ client: 'kilocode-legacy', precedence: 0 }]),
      global(join(xdg, 'kilo', 'kilo.json'), 'kilo', [{ client: 'kilo', precedence: 10 }]),
      global(join(xdg, 'kilo', 'kilo.jsonc'), 'kilo', [{ client: 'kilo', precedence: 11 }]),
      global(join(gs, 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json'), 'roo', [{ client: 'roo', precedence: 0 }]),
      global(join(gs, 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'), 'cline', [{ client: 'cline', precedence: 0 }]),
      global(join(home, '.cursor', 'mcp.json'), 'cursor', [{ client: 'cursor', precedence: 0 }]),
      global(join(userConfig, 'Claude', 'claude_desktop_config.json'), 'claude-desktop', [{ client: 'claude-desktop', precedence: 0 }]),
    );
  }
  return out;
}

/** The format of a single file named on the command line: by its name and folder, else by its top-level keys. */
export function formatForFile(file: string, text: string | undefined): FormatId {
  const name = basename(file);
  const folder = basename(dirname(file));
  if (name === 'cline_mcp_settings.json') return 'cline';
  if (name === 'claude_desktop_config.json') return 'claude-desktop';
  if (name === 'kilo.json' || name === 'kilo.jsonc') return 'kilo';
  if (name === 'mcp.json' && folder === '.vscode') return 'vscode';
  if (name === 'mcp.json' && folder === '.roo') return 'roo';
  if (name === 'mcp.json' && folder === '.cursor') return 'cursor';
  if (name === 'mcp.json' && folder === '.kilocode') return 'kilocode-legacy';
  if (name === 'mcp_settings.json') return 'kilocode-legacy';
  if (text !== undefined) {
    // Anything else by its top-level keys (tolerant parse; the reader reports problems properly).
    let root: unknown;
    try {
      root = parseJsonc(text, [], { allowTrailingComma: true });
    } catch {
      root = undefined; // hostile nesting: the reader will say what is wrong
    }
    if (typeof root === 'object' && root !== null && !Array.isArray(root)) {
      const keys = Object.keys(root);
      if (!keys.includes('mcpServers')) {
        if (keys.includes('servers')) return 'vscode';
        if (keys.includes('mcp')) return 'kilo';
      }
    }
  }
  return 'kilocode-legacy';
}
