import type { FormatReader } from '../format-reader';
import { classifyLegacy, KiloLegacyRemoteSchema, KiloLegacyStdioSchema } from './kilocode-legacy';
import { mcpServersFamilyReader } from './mcp-servers-family';

/** `.roo/mcp.json` and Roo's global `mcp_settings.json`: the format KiloCode 5.x forked from. */
export const rooReader: FormatReader = mcpServersFamilyReader({
  format: 'roo',
  clientLabel: 'Roo Code',
  strictJson: true,
  container: 'mcpServers',
  classify: classifyLegacy,
  stdioSchema: KiloLegacyStdioSchema,
  remoteSchema: KiloLegacyRemoteSchema,
  autoApproveKey: 'alwaysAllow',
  timeoutUnit: 'seconds',
});
