import type { FormatId } from '../model/server';
import type { FormatReader } from './format-reader';
import { claudeDesktopReader } from './formats/claude-desktop';
import { clineReader } from './formats/cline';
import { cursorReader } from './formats/cursor';
import { kiloReader } from './formats/kilo';
import { kilocodeLegacyReader } from './formats/kilocode-legacy';
import { rooReader } from './formats/roo';
import { vscodeReader } from './formats/vscode';

/** Every supported format. Adding a format: write its reader in formats/, add it here and to discovery. */
export const READERS: Readonly<Record<FormatId, FormatReader>> = {
  'kilocode-legacy': kilocodeLegacyReader,
  kilo: kiloReader,
  vscode: vscodeReader,
  roo: rooReader,
  cline: clineReader,
  cursor: cursorReader,
  'claude-desktop': claudeDesktopReader,
};
