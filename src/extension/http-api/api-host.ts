import * as vscode from 'vscode';
import type { ApiKeyStore } from '../../api/auth/api-keys';
import type { RunningApi } from '../../api/start-api';
import type { Coordinator } from '../../coordinator/coordinator';
import { OversightError } from '../../core/errors';
import type { ExtensionCore } from '../core-loader';
import { apiSettings, booleanSetting, type ApiSettings } from '../settings';
import { apiSecretNames, loadOrCreateSigningKeyPem, SecretStorageKeyPersistence } from './api-secrets';

/** The extension binds the API to the loopback interface only; `mcp-oversight serve --host` is the way to expose it. */
export const API_HOST = '127.0.0.1';

export type ApiStatus =
  | { running: false }
  | {
      running: true;
      url: string;
      port: number;
      certFile: string;
      keyFile: string;
      selfSigned: boolean;
      fingerprint256: string;
      spkiSha256Base64: string;
      notAfter: string;
      rateLimit: { burst: number; perSecond: number };
      oauthIssuer?: string;
    };

export interface ApiHostDeps {
  secrets: vscode.SecretStorage;
  log: vscode.LogOutputChannel;
  core: () => ExtensionCore;
  /** The workspace's coordinator (rejects in an untrusted workspace or without a folder). */
  coordinator: () => Promise<Coordinator>;
  /** The coordinator's store folder; undefined without a workspace folder. */
  store: () => string | undefined;
  settings?: () => ApiSettings;
}

interface Running {
  api: RunningApi;
  persistence: SecretStorageKeyPersistence;
  settings: ApiSettings;
}

/**
 * Owns the HTTP API of this window: off until the setting or the Start command turns it on; on
 * 127.0.0.1 only; its token-signing key and API key records in SecretStorage (per workspace store), its
 * TLS pair in the store folder. Starts and stops one at a time. `stop()` must run before the
 * coordinator stops (deactivate does so): closing records `api.stopped` in the coordinator's audit log.
 */
export class ApiHost implements vscode.Disposable {
  private running: Running | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statusItem = vscode.window.createStatusBarItem('mcpOversight.api', vscode.StatusBarAlignment.Right, 99);
  private readonly settings: () => ApiSettings;

  constructor(private readonly d: ApiHostDeps) {
    this.settings = d.settings ?? (() => apiSettings(vscode.workspace.getConfiguration('mcpOversight')));
    this.statusItem.name = 'MCP Oversight HTTP API';
    this.statusItem.text = '$(broadcast) API';
    this.statusItem.command = 'mcpOversight.showApiStatus';
  }

  status(): ApiStatus {
    const r = this.running;
    if (r === undefined) return { running: false };
    const t = r.api.tls;
    return {
      running: true,
      url: r.api.url,
      port: r.api.port,
      certFile: t.certFile,
      keyFile: t.keyFile,
      selfSigned: t.selfSigned,
      fingerprint256: t.fingerprint256,
      spkiSha256Base64: t.spkiSha256Base64,
      notAfter: t.notAfter.toISOString(),
      rateLimit: r.settings.rateLimit,
      ...(r.settings.oauth ? { oauthIssuer: r.settings.oauth.issuer } : {}),
    };
  }

  /** Starts the API with the current settings (restarts it when they changed since); resolves once it listens. */
  start(): Promise<ApiStatus> {
    return this.serialized(async () => {
      const settings = this.settings();
      if (this.running !== undefined && sameListener(this.running.settings, settings)) return this.status();
      await this.closeRunning(2_000);
      await this.open(settings);
      return this.status();
    });
  }

  /** Stops taking requests, lets those in progress finish (up to `graceMs`). False when it was not running. */
  stop(graceMs = 5_000): Promise<boolean> {
    return this.serialized(async () => {
      const was = this.running !== undefined;
      await this.closeRunning(graceMs);
      return was;
    });
  }

  /**
   * Follows the settings: `api.enabled` turned on starts it, turned off stops it (also one the Start
   * command started); another `api.*` change restarts a running API with it. Only in a trusted
   * workspace with a folder; errors reach `onError` (a person should see a port in use).
   */
  async followSettings(change: { enabledChanged: boolean } | 'activation', onError: (e: unknown) => unknown): Promise<void> {
    try {
      const enabled = this.settings().enabled;
      if (change === 'activation' || change.enabledChanged) {
        if (!enabled) {
          if (change !== 'activation') await this.stop();
          return;
        }
        if (!vscode.workspace.isTrusted || this.d.store() === undefined) {
          this.d.log.info('mcpOversight.api.enabled is on, but the HTTP API starts only in a trusted workspace with a folder open.');
          return;
        }
        await this.start();
      } else if (this.running !== undefined) {
        await this.start();
      }
    } catch (e) {
      await onError(e);
    }
  }

  /** The API key store: the running API's own (so changes take effect at once), else one opened for this call. */
  async keys(): Promise<{ keys: ApiKeyStore; done(): void }> {
    const r = this.running;
    if (r !== undefined) return { keys: r.api.keys, done: () => undefined };
    const persistence = new SecretStorageKeyPersistence(this.d.secrets, apiSecretNames(this.storeOrThrow()).apiKeys);
    try {
      return { keys: await this.d.core().ApiKeyStore.open(persistence, { log: (m) => this.d.log.warn(m) }), done: () => persistence.dispose() };
    } catch (e) {
      persistence.dispose();
      throw e;
    }
  }

  /** The workspace's token-signing key (PKCS#8 PEM), created in SecretStorage on first use. */
  signingKeyPem(): Promise<string> {
    return loadOrCreateSigningKeyPem(this.d.secrets, apiSecretNames(this.storeOrThrow()).signingKey, () => this.d.core().newApiSigningKeyPem());
  }

  dispose(): void {
    void this.stop(2_000).finally(() => this.statusItem.dispose());
  }

  private async open(settings: ApiSettings): Promise<void> {
    if (settings.oauthMissing.length > 0) {
      throw new OversightError('usage', `OAuth for the HTTP API is only partly set up: set ${settings.oauthMissing.join(', ')} as well, or clear every mcpOversight.api.oauth.* setting to accept only this workspace's tokens and API keys.`);
    }
    const coordinator = await this.d.coordinator();
    const store = this.storeOrThrow();
    const names = apiSecretNames(store);
    const signingKeyPem = await this.signingKeyPem();
    const persistence = new SecretStorageKeyPersistence(this.d.secrets, names.apiKeys);
    const rate = { burst: settings.rateLimit.burst, perSecond: settings.rateLimit.perSecond };
    try {
      const api = await this.d.core().startApi({
        coordinator,
        store,
        host: API_HOST,
        port: settings.port,
        ...(settings.oauth ? { oauth: settings.oauth } : {}),
        limits: { principalRate: rate, ipRate: rate },
        secrets: { apiKeys: persistence, signingKeyPem },
        // The same rule as approvals in the editor: without a verified person behind the credential, no approval.
        requireVerifiedApprover: booleanSetting(vscode.workspace.getConfiguration('mcpOversight'), 'approval.requireVerifiedIdentity', false),
        log: (line) => this.d.log.info(line),
      });
      this.running = { api, persistence, settings };
    } catch (e) {
      persistence.dispose();
      throw listenError(e, settings.port);
    }
    this.statusItem.tooltip = `MCP Oversight HTTP API on ${this.running.api.url} (click for its certificate and pin)`;
    this.statusItem.show();
    this.d.log.info(`HTTP API listening on ${this.running.api.url}; certificate ${this.running.api.tls.certFile} (SHA-256 ${this.running.api.tls.fingerprint256})`);
  }

  private async closeRunning(graceMs: number): Promise<void> {
    const r = this.running;
    if (r === undefined) return;
    this.running = undefined;
    this.statusItem.hide();
    try {
      await r.api.close(graceMs);
      this.d.log.info('HTTP API stopped');
    } finally {
      r.persistence.dispose();
    }
  }

  private storeOrThrow(): string {
    const store = this.d.store();
    if (store === undefined || store === '') throw new OversightError('usage', 'Open a folder first: the HTTP API and its credentials belong to a workspace.');
    return store;
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Whether a running API already listens as `next` asks (everything but `enabled` matters). */
function sameListener(a: ApiSettings, b: ApiSettings): boolean {
  const key = (s: ApiSettings) => JSON.stringify({ port: s.port, rateLimit: s.rateLimit, oauth: s.oauth ?? null, oauthMissing: s.oauthMissing });
  return key(a) === key(b);
}

/** A port that cannot be had becomes a message naming the setting to change. */
function listenError(e: unknown, port: number): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new OversightError('usage', `Port ${port} on ${API_HOST} is already in use (another program, or the HTTP API of another VS Code window). Change the setting mcpOversight.api.port (0 picks a free port) and start the HTTP API again.`, { cause: e });
  }
  if (code === 'EACCES') {
    return new OversightError('usage', `Port ${port} on ${API_HOST} may not be used by this user (ports below 1024 are reserved). Change the setting mcpOversight.api.port and start the HTTP API again.`, { cause: e });
  }
  return e;
}
