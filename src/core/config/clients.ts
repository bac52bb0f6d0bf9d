import type { ClientId } from '../model/source';

/** What we need to know of each client: its name for people, and whether it parses with `JSON.parse`. */
export const CLIENTS: Readonly<Record<ClientId, { label: string; strictJson: boolean }>> = {
  'kilocode-legacy': { label: 'KiloCode (legacy)', strictJson: true },
  kilo: { label: 'KiloCode (Kilo CLI)', strictJson: false },
  vscode: { label: 'VS Code', strictJson: false },
  roo: { label: 'Roo Code', strictJson: true },
  cline: { label: 'Cline', strictJson: true },
  cursor: { label: 'Cursor', strictJson: false },
  'claude-desktop': { label: 'Claude Desktop', strictJson: true },
};
