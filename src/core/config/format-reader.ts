import type { ConfigError } from '../model/config-error';
import type { FormatId, McpServer } from '../model/server';
import type { DocumentContext } from './document-context';

export interface ReadResult {
  servers: McpServer[];
  errors: ConfigError[];
}

/** One client config format: its schema, and how its entries map onto the normalised McpServer. */
export interface FormatReader {
  readonly format: FormatId;
  /** How people call the client that reads this format, for messages: `KiloCode (legacy)`. */
  readonly clientLabel: string;
  /** The client parses with `JSON.parse`: comments or trailing commas make it reject the whole file. */
  readonly strictJson: boolean;
  /** Reads the servers of an already parsed document. Never throws. */
  read(ctx: DocumentContext, sourceId: string): ReadResult;
}
