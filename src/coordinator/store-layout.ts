import { join } from 'node:path';

/**
 * Where the coordinator keeps its state under one store folder (the extension passes its workspace
 * storage folder; the CLI takes `--store DIR`). One place, so the audit CLI, the coordinator and the
 * tests never disagree on a path.
 */
export function storeLayout(store: string) {
  const keys = join(store, 'keys');
  return {
    store,
    keys,
    /** Ed25519 private key (PKCS#8 PEM, mode 0600): signs grants and audit checkpoints. */
    signingKey: join(keys, 'coordinator.key.pem'),
    /** Its public key (SPKI PEM): handed to both servers; used by `audit verify`. */
    publicKey: join(keys, 'coordinator.pub.pem'),
    /** 32 random bytes (hex, mode 0600): the per-workspace HMAC key that stands in for secrets in the audit log. */
    auditHmacKey: join(keys, 'audit-hmac.key'),
    /** The audit log's segments and checkpoints. */
    audit: join(store, 'audit'),
    /** Approval requests and their history. */
    approvals: join(store, 'approvals'),
    /** Requests that failed for good, for a person to inspect, retry or discard. */
    deadLetter: join(store, 'dead-letter'),
  } as const;
}
export type StoreLayout = ReturnType<typeof storeLayout>;
