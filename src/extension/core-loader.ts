import { join } from 'node:path';
import type * as CoreEntry from './core-entry';

/** What dist/extension-core.js exports (src/extension/core-entry.ts), typed without loading it. */
export type ExtensionCore = typeof CoreEntry;

/** Lazily loads the heavy half; `get()` is what the glue's commands and hosts receive. */
export interface CoreLoader {
  get(): ExtensionCore;
  /** How long the first `get()` took to require the bundle (undefined until then). */
  readonly loadMs: number | undefined;
}

/**
 * Requires dist/extension-core.js (beside dist/extension.js) the first time something needs it. A
 * runtime path, so esbuild leaves the require alone and the glue bundle stays small; `file` lets the
 * Node-side bench and tests point elsewhere.
 */
export function coreLoader(file: string = join(__dirname, 'extension-core.js')): CoreLoader {
  let core: ExtensionCore | undefined;
  let loadMs: number | undefined;
  return {
    get() {
      if (core === undefined) {
        const started = performance.now();
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy and synchronous: see above
        core = require(file) as ExtensionCore;
        loadMs = performance.now() - started;
      }
      return core;
    },
    get loadMs() {
      return loadMs;
    },
  };
}
