import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { resolve } from 'node:path';
import { keyFingerprint } from '../core/audit/audit-checkpoint';
import type { AuditEntry } from '../core/audit/audit-entry';
import { renderAuditCsv, renderAuditJson, type AuditExportMeta } from '../core/audit/audit-export';
import type { AuditQuery } from '../core/audit/audit-query';
import { renderAuditMarkdown } from '../core/audit/audit-report-md';
import { describePruned, type AuditVerifyReport } from '../core/audit/audit-verify';
import { canonicalJson } from '../core/crypto/canonical-json';
import { describeError, isOversightError, OversightError } from '../core/errors';
import type { Approver } from '../core/grants/grant-schema';
import { parseGrantPrivateKey, parseGrantPublicKey } from '../core/grants/grant-crypto';
import { sanitizeForTerminal } from '../core/report/ansi';
import { AuditLog, type PruneResult } from '../coordinator/audit/audit-log';
import { queryAudit } from '../coordinator/audit/audit-reader';
import { verifyAuditStore } from '../coordinator/audit/verify-store';
import { storeLayout } from '../coordinator/store-layout';
import type { AuditCliOptions } from './audit-options';
import type { CliIo } from './run-cli';
import { writeFileAtomic } from './write-atomic';

/** `audit verify|show|export|prune`. Exit codes: 0 fine; 1 the log is broken; 2 usage or I/O problems. */
export async function runAudit(io: CliIo, o: AuditCliOptions): Promise<number> {
  const layout = storeLayout(resolve(io.cwd, o.store));
  try {
    switch (o.action) {
      case 'verify':
        return await verify(io, o, layout);
      case 'show':
        return await show(io, o, layout);
      case 'export':
        return await exportLog(io, o, layout);
      case 'prune':
        return await prune(io, o, layout);
    }
  } catch (e) {
    if (isOversightError(e) && e.code === 'AUDIT_BROKEN') {
      io.stderr(`mcp-oversight: ${sanitizeForTerminal(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

type Layout = ReturnType<typeof storeLayout>;

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeError(e);
    throw new OversightError('usage', `cannot read ${what} ${file}: ${why}.`, { cause: e });
  }
}

async function verify(io: CliIo, o: AuditCliOptions, layout: Layout): Promise<number> {
  const keyFile = o.publicKey === undefined ? layout.publicKey : resolve(io.cwd, o.publicKey);
  const key = parseGrantPublicKey(await readText(keyFile, 'the public key'), keyFile);
  const report = await verifyAuditStore(layout.audit, key);
  if (o.json) io.stdout(JSON.stringify({ store: layout.store, publicKey: keyFile, keyFingerprint: keyFingerprint(key), ...report }, null, 2) + '\n');
  else io.stdout(describeReport(report, layout.audit, keyFile, keyFingerprint(key), o.publicKey !== undefined));
  return report.ok ? 0 : 1;
}

function describeReport(r: AuditVerifyReport, dir: string, keyFile: string, fingerprint: string, anchored: boolean): string {
  const out: string[] = [];
  const size = `${(r.bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (r.ok) {
    out.push(`audit log OK: ${r.entries} entries in ${r.segments} segment(s) (${size}), ${r.checkpoints} signed checkpoint(s).`);
    if (r.pruned) out.push(`  ${describePruned(r.pruned)}.`);
    if (r.head) out.push(`  head: seq ${r.head.seq} ${r.head.hash}`);
    if (r.lastCheckpoint) out.push(`  last checkpoint: seq ${r.lastCheckpoint.seq} at ${r.lastCheckpoint.ts}`);
    if (r.unanchored > 0) out.push(`  ${r.unanchored} entries after the last checkpoint are chained but not yet signed (the coordinator signs every 1,000 entries and at shutdown).`);
  } else if (r.firstBad) {
    const b = r.firstBad;
    out.push(`audit log BROKEN at seq ${b.seq} (${b.reason}): ${sanitizeForTerminal(b.detail)}`);
    if (b.file !== undefined) out.push(`  at ${sanitizeForTerminal(b.file.includes('/') ? b.file : `${dir}/${b.file}`)}${b.line !== undefined ? `:${b.line}` : ''}`);
    out.push(`  entries before seq ${b.seq} verified; from seq ${b.seq} on the log cannot be relied upon. Keep the folder as evidence (docs/AUDIT.md).`);
  }
  for (const n of r.notes) if (!(r.ok && r.pruned && n === describePruned(r.pruned))) out.push(`  note: ${sanitizeForTerminal(n)}`);
  out.push(`  verified with ${keyFile} (key ${fingerprint.slice(0, 16)}…)${anchored ? '' : '; pass --public-key with a copy kept outside the store to rule out a replaced key'}.`);
  return out.join('\n') + '\n';
}

function queryOf(o: AuditCliOptions, limit: number | undefined): AuditQuery {
  return { since: o.since, until: o.until, kinds: o.kinds, server: o.server, actorId: o.actorId, limit };
}

async function show(io: CliIo, o: AuditCliOptions, layout: Layout): Promise<number> {
  const q = queryOf(o, o.limit);
  const entries = await queryAudit(layout.audit, q);
  await recordAccess(io, layout, { command: 'show', query: definedOnly(q), returned: entries.length });
  if (o.json) io.stdout(JSON.stringify(entries, null, 2) + '\n');
  else if (entries.length === 0) io.stdout('no matching audit entries.\n');
  else io.stdout(entries.map(formatEntry).join('\n') + '\n');
  return 0;
}

function formatEntry(e: AuditEntry): string {
  const who = `${e.actor.label || e.actor.id}${e.actor.verified ? '' : ' (unverified)'}`;
  const subject = `${e.subject.type}:${e.subject.id}${e.subject.server !== undefined ? `@${e.subject.server}` : ''}`;
  const payload = canonicalJson(e.payload);
  return sanitizeForTerminal(`${String(e.seq).padStart(7)}  ${e.ts}  ${e.kind.padEnd(21)} ${who}  ${subject}  ${payload.length > 200 ? `${payload.slice(0, 199)}…` : payload}`);
}

async function exportLog(io: CliIo, o: AuditCliOptions, layout: Layout): Promise<number> {
  const q = queryOf(o, undefined);
  const entries = (await queryAudit(layout.audit, q)).reverse();
  let report: AuditVerifyReport | undefined;
  const pem = await readFile(layout.publicKey, 'utf8').catch(() => undefined);
  if (pem !== undefined) report = await verifyAuditStore(layout.audit, parseGrantPublicKey(pem, layout.publicKey));
  else io.stderr(`mcp-oversight: note: ${layout.publicKey} not found; the export says the log was not verified.\n`);
  const meta: AuditExportMeta = { generatedAt: (io.now?.() ?? new Date()).toISOString(), store: layout.store, query: definedOnly(q), ...(report ? { verify: report } : {}) };
  const text = o.format === 'csv' ? renderAuditCsv(entries) : o.format === 'markdown' ? renderAuditMarkdown(entries, meta) : renderAuditJson(entries, meta);
  await recordAccess(io, layout, { command: 'export', format: o.format, query: definedOnly(q), returned: entries.length, ...(o.output ? { output: resolve(io.cwd, o.output) } : {}) });
  if (o.output) {
    await writeFileAtomic(resolve(io.cwd, o.output), text);
    io.stderr(`mcp-oversight: wrote ${entries.length} audit entries (${o.format}) to ${o.output}\n`);
  } else io.stdout(text);
  if (report && !report.ok) io.stderr(`mcp-oversight: warning: the audit log is BROKEN at seq ${report.firstBad?.seq} (${report.firstBad?.reason}); run "mcp-oversight audit verify".\n`);
  return 0;
}

function definedOnly(q: AuditQuery): AuditQuery {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as AuditQuery;
}

/**
 * Reading the audit is itself audited: an `audit.accessed` entry, when the store's signing and HMAC keys
 * are readable and no coordinator holds the log open. Otherwise the read goes on, and says it was not recorded.
 */
async function recordAccess(io: CliIo, layout: Layout, payload: Record<string, unknown>): Promise<void> {
  const keys = await writerKeys(layout);
  if (!keys) {
    io.stderr('mcp-oversight: note: read-only access (the store\'s signing key is not readable here): this read is not recorded in the audit log.\n');
    return;
  }
  let log: AuditLog | undefined;
  try {
    log = await AuditLog.open({ dir: layout.audit, ...keys, ...(io.now ? { now: io.now } : {}) });
    await log.append({ actor: cliActor(io), kind: 'audit.accessed', subject: { type: 'audit', id: 'cli' }, payload });
  } catch (e) {
    io.stderr(`mcp-oversight: note: this read is not recorded in the audit log: ${sanitizeForTerminal(describeError(e))}\n`);
  } finally {
    await log?.close().catch(() => undefined);
  }
}

/** The keys a writer of the log needs (signing, HMAC), when this user can read them. */
async function writerKeys(layout: Layout): Promise<{ signingKey: KeyObject; hmacKey: Buffer } | undefined> {
  const [pem, hmacHex] = await Promise.all([readFile(layout.signingKey, 'utf8').catch(() => undefined), readFile(layout.auditHmacKey, 'utf8').catch(() => undefined)]);
  if (pem === undefined || hmacHex === undefined || !/^[0-9a-f]{64}$/.test(hmacHex.trim())) return undefined;
  return { signingKey: parseGrantPrivateKey(pem, layout.signingKey), hmacKey: Buffer.from(hmacHex.trim(), 'hex') };
}

/**
 * `audit prune --older-than`: what the retention setting does, by hand (docs/AUDIT.md, "Retention"),
 * recorded as `audit.pruned` by the OS user. Takes the writer's lock, so it is refused while a
 * coordinator has the log open; AUDIT_BROKEN (exit 1) when the segments to go do not verify.
 */
async function prune(io: CliIo, o: AuditCliOptions, layout: Layout): Promise<number> {
  const keys = await writerKeys(layout);
  if (!keys) throw new OversightError('usage', `audit prune needs the store's signing and audit keys (${layout.signingKey}, ${layout.auditHmacKey}): the deletion is signed and recorded.`);
  const log = await AuditLog.open({ dir: layout.audit, ...keys, ...(io.now ? { now: io.now } : {}) });
  let result: PruneResult;
  try {
    result = await log.prune(new Date(o.olderThan as string), cliActor(io));
  } finally {
    await log.close();
  }
  if (o.json) io.stdout(JSON.stringify({ store: layout.store, cutoff: o.olderThan, ...result }, null, 2) + '\n');
  else if (result.deleted.length === 0) io.stdout(`nothing pruned: ${sanitizeForTerminal(result.note ?? 'no closed segment is old enough')}.\n`);
  else {
    const a = result.anchor;
    io.stdout(
      [
        `pruned ${result.entries} audit entries in ${result.deleted.length} segment(s): ${result.deleted.join(', ')}.`,
        `  the log now starts at seq ${result.firstSeq}${a ? `; signed retention anchor at ${a.ts} (entry ${a.seq} chains to ${a.prevHash})` : ' (finishing an earlier prune)'}.`,
        '  recorded as an audit.pruned entry; "mcp-oversight audit verify" reports the entries before that seq as pruned.',
      ].join('\n') + '\n',
    );
  }
  return 0;
}

function cliActor(io: CliIo): Approver {
  let user = io.env['USER'] ?? io.env['USERNAME'] ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): the environment's name stands.
  }
  return { id: user, label: `${user}@${hostname()}`, provider: 'os-user', verified: false };
}
