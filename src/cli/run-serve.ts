import { homedir } from 'node:os';
import { join } from 'node:path';
import { startApi } from '../api/start-api';
import { createCoordinator } from '../coordinator/create-coordinator';
import { sanitizeForTerminal } from '../core/report/ansi';
import type { CliIo } from './run-cli';
import { defaultStore, type ServeOptions } from './serve-options';

export interface ServeIo extends Omit<CliIo, 'serve'> {
  /** The folder holding compliance-server.js and installer-server.js (dist/). */
  distDir: string;
  /** Starts listening for SIGINT/SIGTERM; resolves when one arrives (a second forces the exit). */
  stopSignal: () => Promise<string>;
}

/**
 * `mcp-oversight serve`: the coordinator and the HTTPS API without VS Code. Graceful on SIGINT/SIGTERM:
 * the API stops taking requests and lets those in progress finish, then the coordinator finishes or
 * dead-letters its work, stops both servers and writes the audit checkpoint.
 */
export async function runServe(io: ServeIo, o: ServeOptions): Promise<number> {
  if ((await io.fs.stat(o.workspace)) === undefined) {
    io.stderr(`mcp-oversight: ${sanitizeForTerminal(o.workspace)} does not exist. Give the workspace folder to oversee with --workspace DIR.\n`);
    return 2;
  }
  const store = o.store ?? defaultStore(o.workspace, io.env, io.platform, homedir());
  const log = (line: string) => io.stderr(`${sanitizeForTerminal(line)}\n`);
  const coordinator = await createCoordinator({
    workspace: o.workspace,
    store,
    distDir: io.distDir,
    settings: { fourEyes: o.fourEyes, approvalTtlMs: Math.round(o.approvalExpiryHours * 3_600_000) },
    toolVersion: io.version,
    log,
  });
  const stopping = io.stopSignal();
  await coordinator.start();
  let api;
  try {
    api = await startApi({
      coordinator,
      store,
      host: o.host,
      port: o.port,
      ...(o.cert && o.key ? { certFile: o.cert, keyFile: o.key } : {}),
      ...(o.oauthIssuer && o.oauthJwksUrl && o.oauthAudience ? { oauth: { issuer: o.oauthIssuer, jwksUrl: o.oauthJwksUrl, audience: o.oauthAudience, ...(o.oauthRoleClaim ? { roleClaim: o.oauthRoleClaim } : {}) } } : {}),
      requireVerifiedApprover: o.requireVerifiedIdentity,
      limits: { bodyBytes: o.bodyLimitKiB * 1024, principalRate: { burst: o.rateBurst, perSecond: o.ratePerSecond }, ipRate: { burst: o.rateBurst, perSecond: o.ratePerSecond }, syncAccess: o.syncAccess },
      log,
    });
  } catch (e) {
    await coordinator.stop();
    throw e;
  }
  const t = api.tls;
  io.stderr(
    [
      `MCP Oversight API listening on ${api.url}`,
      `  workspace   ${sanitizeForTerminal(o.workspace)}`,
      `  store       ${sanitizeForTerminal(store)}`,
      `  certificate ${sanitizeForTerminal(t.certFile)}${t.selfSigned ? ' (self-signed; give clients this file as their CA, or pin the key)' : ''}`,
      `  SHA-256     ${t.fingerprint256}`,
      `  pin         curl --cacert ${sanitizeForTerminal(t.certFile)} --pinnedpubkey 'sha256//${t.spkiSha256Base64}' ${api.url}/health`,
      `  credentials mcp-oversight token create --role ROLE --workspace ${sanitizeForTerminal(o.workspace)}${o.store ? ` --store ${sanitizeForTerminal(store)}` : ''}`,
      `              mcp-oversight apikey create --role ROLE --name NAME --workspace ${sanitizeForTerminal(o.workspace)}${o.store ? ` --store ${sanitizeForTerminal(store)}` : ''}`,
      ...(o.host !== '127.0.0.1' && o.host !== '::1' && o.host !== 'localhost' ? [`  WARNING     listening on ${sanitizeForTerminal(o.host)}: reachable from other machines.`] : []),
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
  const signal = await stopping;
  io.stderr(`mcp-oversight: ${signal}: finishing requests in progress…\n`);
  await api.close(10_000);
  await coordinator.stop(10_000);
  io.stderr('mcp-oversight: stopped; the audit log has its checkpoint.\n');
  return 0;
}

/** dist/ as seen from the bundled CLI (dist/cli.js). */
export const bundledDistDir = (): string => (typeof __dirname === 'string' ? __dirname : join(process.cwd(), 'dist'));
