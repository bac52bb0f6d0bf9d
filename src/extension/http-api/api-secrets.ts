import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { ApiKeyPersistence } from '../../api/auth/api-keys';

/** The parts of `vscode.SecretStorage` used here (tests pass an in-memory fake). */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  onDidChange?(listener: (e: { key: string }) => unknown): { dispose(): unknown };
}

/**
 * The SecretStorage names of one workspace store's API secrets. SecretStorage is shared by every window
 * of the profile, so each name carries a hash of the store folder: two windows on different folders
 * never see each other's keys, and a token signed for one workspace is refused by the other (its
 * issuer is derived from the signing key).
 */
export function apiSecretNames(store: string): { apiKeys: string; signingKey: string } {
  const id = createHash('sha256').update(resolve(store)).digest('hex').slice(0, 32);
  return { apiKeys: `mcpOversight.api/${id}/api-keys`, signingKey: `mcpOversight.api/${id}/token-signing-key` };
}

/**
 * The API key records (hashes, never the keys) in SecretStorage. `exclusive` serialises this window's
 * changes; `version` changes on every save made here and on every change SecretStorage reports (another
 * window of the profile), so a running API re-reads within its reload interval. Dispose it with the API.
 */
export class SecretStorageKeyPersistence implements ApiKeyPersistence {
  readonly location = 'VS Code secret storage';
  private changes = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listening: { dispose(): unknown } | undefined;

  constructor(
    private readonly secrets: SecretStorageLike,
    private readonly name: string,
  ) {
    this.listening = secrets.onDidChange?.((e) => {
      if (e.key === name) this.changes++;
    });
  }

  async load(): Promise<string | undefined> {
    return this.secrets.get(this.name);
  }

  async save(text: string): Promise<void> {
    await this.secrets.store(this.name, text);
    this.changes++;
  }

  async version(): Promise<string> {
    return String(this.changes);
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  dispose(): void {
    this.listening?.dispose();
  }
}

/**
 * The workspace's token-signing key (PKCS#8 PEM) from SecretStorage, made with `create` on first use.
 * Read back after storing, so two windows racing on first use both end up with the one that was kept.
 */
export async function loadOrCreateSigningKeyPem(secrets: SecretStorageLike, name: string, create: () => string): Promise<string> {
  const existing = await secrets.get(name);
  if (existing !== undefined && existing !== '') return existing;
  await secrets.store(name, create());
  const kept = await secrets.get(name);
  if (kept === undefined || kept === '') throw new Error('VS Code secret storage did not keep the API token signing key.');
  return kept;
}
