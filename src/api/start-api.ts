import { join } from 'node:path';
import type { Coordinator } from '../coordinator/coordinator';
import { ApiServer, type ApiLimits } from './api-server';
import { fileKeyPersistence } from './auth/api-key-file';
import { ApiKeyStore, type ApiKeyPersistence } from './auth/api-keys';
import { createJwtVerifier, localIssuer, type OAuthIssuerOptions } from './auth/jwt';
import { apiSigningKeyFromPem, loadOrCreateApiSigningKey, type ApiSigningKey } from './auth/jwt-keys';
import { createAuthenticator } from './authenticator';
import { loadOrCreateTlsMaterial, type TlsMaterial } from './tls/tls-material';

/** Where the API keeps its material under the coordinator's store. */
export function apiLayout(store: string) {
  const dir = join(store, 'api');
  return { dir, apiKeys: join(dir, 'api-keys.json') } as const;
}

/** The API's credentials: files in the store (CLI), or the extension's SecretStorage. */
export interface ApiSecrets {
  apiKeys: ApiKeyPersistence;
  /** The token-signing key's PKCS#8 PEM (SecretStorage); absent: `store/api/api-token.key.pem`. */
  signingKeyPem?: string;
}

export interface StartApiOptions {
  coordinator: Coordinator;
  store: string;
  host?: string;
  port?: number;
  /** A certificate of your own; without, a self-signed one is generated in `store/api` and reused. */
  certFile?: string;
  keyFile?: string;
  oauth?: OAuthIssuerOptions;
  limits?: Partial<ApiLimits>;
  secrets?: ApiSecrets;
  /** Refuse approvals from credentials without a verified person behind them (API keys, CLI-made tokens). */
  requireVerifiedApprover?: boolean;
  log: (line: string) => void;
}

export interface RunningApi {
  url: string;
  port: number;
  tls: TlsMaterial;
  keys: ApiKeyStore;
  signing: ApiSigningKey;
  issuer: string;
  close(graceMs?: number): Promise<void>;
}

/** Loads (or makes) the token-signing key the way `serve` and `token create` both do. */
export async function apiSigningKey(store: string, secrets?: ApiSecrets): Promise<ApiSigningKey> {
  return secrets?.signingKeyPem !== undefined ? apiSigningKeyFromPem(secrets.signingKeyPem) : loadOrCreateApiSigningKey(apiLayout(store).dir);
}

/**
 * The API's composition: TLS material, the token-signing key, API keys, the authenticator, the server;
 * listening when it returns. `close()` stops taking requests, lets those in progress finish, and writes
 * the API keys' last-use times. The coordinator is the caller's to stop (after this).
 */
export async function startApi(o: StartApiOptions): Promise<RunningApi> {
  const layout = apiLayout(o.store);
  const tls = await loadOrCreateTlsMaterial({ dir: layout.dir, ...(o.certFile ? { certFile: o.certFile } : {}), ...(o.keyFile ? { keyFile: o.keyFile } : {}), log: o.log });
  const signing = await apiSigningKey(o.store, o.secrets);
  const issuer = localIssuer(signing.kid);
  const keys = await ApiKeyStore.open(o.secrets?.apiKeys ?? fileKeyPersistence(layout.apiKeys), { log: o.log });
  const tokens = createJwtVerifier({ local: { publicKey: signing.publicKey, issuer }, ...(o.oauth ? { oauth: o.oauth } : {}) });
  const server = new ApiServer({
    coordinator: o.coordinator,
    authenticate: createAuthenticator({ apiKeys: keys, tokens }),
    tls: { cert: tls.cert, key: tls.key },
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.requireVerifiedApprover ? { requireVerifiedApprover: true } : {}),
    log: o.log,
  });
  const { url, port } = await server.listen();
  return {
    url,
    port,
    tls,
    keys,
    signing,
    issuer,
    close: async (graceMs = 10_000) => {
      await server.close(graceMs);
      await keys.flush().catch((e: unknown) => o.log(`api: writing the API keys' last-use times failed: ${e instanceof Error ? e.message : String(e)}`));
    },
  };
}
