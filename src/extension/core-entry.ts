/**
 * The extension's heavy half, bundled on its own as dist/extension-core.js and required on first use
 * (the first coordinator start, the first assessment, the first audit command) by `loadCore()`
 * (core-loader.ts). dist/extension.js holds only the VS Code glue, so activation stays fast and small:
 * the coordinator (MCP SDK client with ajv, cockatiel, the audit store), the static assessment (config
 * readers, rules, policy, reports), classic zod, and the webviews' host-side logic with the protocol's
 * schemas (diff preview and audit panel controllers) live here. The glue sees this module only through
 * `import type` (eslint enforces that boundary, see eslint.config.mjs).
 *
 * Errors thrown from here are this bundle's OversightError, a different class from the glue's copy:
 * the glue tells them apart by `isOversightError` (name + code), never by `instanceof`.
 */
import { readFile } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import { apiSigningKeyFromPem } from '../api/auth/jwt-keys';
import { localIssuer, mintApiToken } from '../api/auth/jwt';
import type { Role } from '../api/permissions';
import type { AuditVerifyReport } from '../core/audit/audit-verify';
import { parseGrantPublicKey } from '../core/grants/grant-crypto';
import { SeveritySchema, type Severity } from '../core/model/severity';
import { verifyAuditStore } from '../coordinator/audit/audit-log';
import { storeLayout } from '../coordinator/store-layout';

export { createCoordinator } from '../coordinator/create-coordinator';
export { assessTarget } from '../core/assess/assess-workspace';
export { atLeast } from '../core/model/severity';
export { nodeFileSystem } from '../core/ports/node-file-system';
export { renderTable } from '../core/report/table-report';
export { renderAuditCsv, renderAuditJson } from '../core/audit/audit-export';
export { renderAuditMarkdown } from '../core/audit/audit-report-md';
export { startApi } from '../api/start-api';
export { ApiKeyStore } from '../api/auth/api-keys';
export { newApiSigningKeyPem } from '../api/auth/jwt-keys';
export { parseTtl } from '../api/auth/jwt';
export { ROLE_PERMISSIONS, ROLES } from '../api/permissions';
// The webviews' host-side logic: it parses the pages' messages with the protocol's zod/mini schemas, which
// cost more to build at load than the rest of the glue together, and is needed only once a page is shown.
export { DiffPreviewController } from './webviews/diff-preview-controller';
export { AuditViewController } from './audit/audit-view-controller';
export { describeVerify } from './audit/audit-view-model';

/** A severity setting as written by a person: the documented default for anything malformed. */
export function parseSeverity(value: unknown, fallback: Severity): Severity {
  return SeveritySchema.catch(fallback).parse(value);
}

/** Verifies the workspace's audit log against the store's public key. Reads only; needs no lock. */
export async function verifyAudit(store: string): Promise<AuditVerifyReport> {
  const layout = storeLayout(store);
  const key = parseGrantPublicKey(await readFile(layout.publicKey, 'utf8'), layout.publicKey);
  return verifyAuditStore(layout.audit, key);
}

export interface IssuedApiToken {
  token: string;
  jti: string;
  expiresAt: string;
  issuer: string;
}

/**
 * An API token signed with the workspace's key (kept by the extension in SecretStorage), exactly as
 * `mcp-oversight token create` makes one; `jti` and `expiresAt` are what the audit log records.
 */
export async function issueApiToken(o: { signingKeyPem: string; role: Role; subject: string; name?: string; owner?: { id: string; label: string; verified: boolean }; ttlSeconds: number; now?: Date }): Promise<IssuedApiToken> {
  const key = apiSigningKeyFromPem(o.signingKeyPem);
  const issuer = localIssuer(key.kid);
  const token = await mintApiToken({ key, issuer, role: o.role, subject: o.subject, ttlSeconds: o.ttlSeconds, ...(o.now ? { now: o.now } : {}), ...(o.name !== undefined ? { name: o.name } : {}), ...(o.owner ? { owner: o.owner } : {}) });
  const claims = decodeJwt(token);
  return { token, jti: String(claims.jti), expiresAt: new Date(Number(claims.exp) * 1000).toISOString(), issuer };
}
