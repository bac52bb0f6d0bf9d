import { homedir } from 'node:os';
import { fileKeyPersistence } from '../api/auth/api-key-file';
import { ApiKeyStore } from '../api/auth/api-keys';
import { localIssuer, mintApiToken, parseTtl } from '../api/auth/jwt';
import { apiLayout, apiSigningKey } from '../api/start-api';
import { sanitizeForTerminal } from '../core/report/ansi';
import { osUserActor, recordCliEvent } from './record-cli-event';
import type { CliIo } from './run-cli';
import { defaultStore, type ApiKeyCommand, type TokenOptions } from './serve-options';

/**
 * `mcp-oversight token create`: a JWT signed by the workspace's API key (the one `serve` checks), on
 * stdout alone so it can be captured (`TOKEN=$(mcp-oversight token create --role installer)`); what it
 * is, on stderr. Recorded in the audit log as api.token-issued (its id, never the token).
 */
export async function runToken(io: CliIo, o: TokenOptions): Promise<number> {
  const store = o.store ?? defaultStore(o.workspace, io.env, io.platform, homedir());
  const ttlSeconds = parseTtl(o.ttl);
  const key = await apiSigningKey(store);
  const issuer = localIssuer(key.kid);
  const who = osUserActor(io);
  const subject = o.subject ?? who.id;
  // Whatever the subject, the token acts for the person who minted it (unverified: the OS says who).
  const owner = { id: who.id, label: who.label, verified: false };
  const now = io.now?.() ?? new Date();
  const token = await mintApiToken({ key, issuer, role: o.role, subject, ttlSeconds, now, owner, ...(o.name ? { name: o.name } : {}) });
  const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).jti as string;
  const expires = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  await recordCliEvent(io, store, { kind: 'api.token-issued', subject: { type: 'api', id: `jwt:${subject}`.slice(0, 256) }, payload: { role: o.role, jti, expiresAt: expires, issuer } });
  io.stdout(`${token}\n`);
  io.stderr(`mcp-oversight: a ${o.role} token for ${sanitizeForTerminal(subject)}, valid until ${expires} (store ${sanitizeForTerminal(store)}). Send it as "Authorization: Bearer <token>".\n`);
  return 0;
}

/** `mcp-oversight apikey create|list|revoke`: API keys for automated systems, in the store's api-keys.json. */
export async function runApiKey(io: CliIo, c: ApiKeyCommand): Promise<number> {
  const store = c.store ?? defaultStore(c.workspace, io.env, io.platform, homedir());
  const keys = await ApiKeyStore.open(fileKeyPersistence(apiLayout(store).apiKeys), { ...(io.now ? { now: io.now } : {}) });
  const actor = osUserActor(io);
  switch (c.action) {
    case 'create': {
      const { key, record } = await keys.create({ name: c.name, role: c.role, createdBy: actor.label, owner: { id: actor.id, label: actor.label, verified: false } });
      await recordCliEvent(io, store, { kind: 'api.key-created', subject: { type: 'api-key', id: record.id }, payload: { name: record.name, role: record.role } });
      if (c.json) io.stdout(JSON.stringify({ key, ...record }, null, 2) + '\n');
      else {
        io.stdout(`${key}\n`);
        io.stderr(`mcp-oversight: API key ${record.id} (${c.role}) for ${sanitizeForTerminal(record.name)}. This is the only time it is shown: store it now. Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".\n`);
      }
      return 0;
    }
    case 'list': {
      const all = await keys.list();
      if (c.json) io.stdout(JSON.stringify(all, null, 2) + '\n');
      else if (all.length === 0) io.stderr(`mcp-oversight: no API keys in ${sanitizeForTerminal(store)}.\n`);
      else io.stdout(all.map((k) => `${k.id}  ${k.role.padEnd(15)}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'.padEnd(32)}  last used ${k.lastUsedAt ?? 'never'}  ${sanitizeForTerminal(k.name)}`).join('\n') + '\n');
      return 0;
    }
    case 'revoke': {
      const record = await keys.revoke(c.id);
      await recordCliEvent(io, store, { kind: 'api.key-revoked', subject: { type: 'api-key', id: record.id }, payload: { name: record.name, role: record.role } });
      io.stderr(`mcp-oversight: API key ${record.id} (${sanitizeForTerminal(record.name)}) is revoked; a running server refuses it within a second.\n`);
      if (c.json) io.stdout(JSON.stringify(record, null, 2) + '\n');
      return 0;
    }
  }
}
