import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OversightError } from '../../core/errors';

/** A webview bundle's text, inlined into its page by webviewHtml. */
export interface WebviewAssets {
  readonly script: string;
  readonly style: string;
}

/**
 * One webview bundle (`<dir>/<name>.js` and `<name>.css`), read on the first render and kept for the
 * session: never at activation (activation time is issue 5's other figure). Read synchronously so a
 * render stays synchronous: the files are under 130 KiB together, and local, which takes well under a
 * millisecond. The owner (DiffPreviewPanels, AuditViewProvider) holds one; `read` is for tests.
 */
export class WebviewBundle {
  private assets: WebviewAssets | undefined;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
  ) {}

  get(): WebviewAssets {
    if (this.assets === undefined) {
      const path = (ext: string) => join(this.dir, `${this.name}.${ext}`);
      try {
        this.assets = { script: this.read(path('js')), style: this.read(path('css')) };
      } catch (e) {
        throw new OversightError('io', `cannot read the webview bundle ${path('js')} (and .css): is the extension built?`, { cause: e });
      }
    }
    return this.assets;
  }
}
