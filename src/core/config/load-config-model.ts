import type { ConfigModel } from '../model/config-model';
import type { FileSystemPort } from '../ports/file-system';
import type { Candidate } from './discovery';
import { Locator } from './locator';
import { mergeEffective } from './merge';
import { DEFAULT_MAX_FILE_BYTES, readSource } from './read-source';

export interface LoadedModel {
  model: ConfigModel;
  /** File texts by absolute path, for remediation edits and editor diagnostics. */
  texts: Map<string, string>;
  /** Line and column of any field of any file read. */
  locator: Locator;
}

/** Reads every candidate (concurrently) into one normalised model with the merged view of each client. */
export async function loadConfigModel(
  fs: FileSystemPort,
  candidates: readonly Candidate[],
  opts: { workspace?: string; maxFileBytes?: number } = {},
): Promise<LoadedModel> {
  const reads = await Promise.all(candidates.map((c) => readSource(fs, c, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)));
  const sources = reads.map((r) => r.source);
  const servers = reads.flatMap((r) => r.servers);
  const texts = new Map<string, string>();
  const locator = new Locator();
  for (const r of reads) {
    if (r.text !== undefined) texts.set(r.source.file, r.text);
    locator.add(r.source.file, r.root);
  }
  return {
    model: {
      ...(opts.workspace === undefined ? {} : { workspace: opts.workspace }),
      sources,
      servers,
      effective: mergeEffective(sources, servers),
    },
    texts,
    locator,
  };
}
