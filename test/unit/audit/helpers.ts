import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditInput } from '../../../src/core/audit/audit-entry';
import { generateGrantKeyPair } from '../../../src/core/grants/grant-crypto';
import { AuditLog, type AuditLogOptions } from '../../../src/coordinator/audit/audit-log';

export const KEYS = generateGrantKeyPair();
export const HMAC_KEY = Buffer.from('11'.repeat(32), 'hex');

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock that ticks one second per call from a fixed start. */
export function fakeClock(start = Date.parse('2026-03-01T10:00:00.000Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

export const ALICE = { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true };
export const BOB = { id: 'bob', label: 'Bob', provider: 'os-user', verified: false };

export function input(i: number, over: Partial<AuditInput> = {}): AuditInput {
  const kinds = ['approval.requested', 'approval.decided', 'execution.started', 'execution.completed', 'server.health'] as const;
  return {
    actor: i % 3 === 0 ? BOB : ALICE,
    kind: kinds[i % kinds.length] as AuditInput['kind'],
    subject: { type: 'approval', id: `ap-${i}`, ...(i % 2 === 0 ? { server: i % 4 === 0 ? 'github' : 'filesystem' } : {}) },
    payload: { n: i, note: `entry ${i}`, nested: { list: [1, 'two', { three: 3 }] } },
    ...over,
  };
}

export function openLog(dir: string, over: Partial<AuditLogOptions> = {}): Promise<AuditLog> {
  return AuditLog.open({ dir, signingKey: KEYS.privateKey, hmacKey: HMAC_KEY, durable: false, now: fakeClock(), ...over });
}

export function randomHex(n: number): string {
  return randomBytes(n).toString('hex');
}

/** FileHandle.prototype (Node does not export it), for tests that slow down or fail `datasync`. */
export async function fileHandlePrototype(): Promise<{ datasync(): Promise<void> }> {
  const fh = await open(tmpdir(), 'r');
  await fh.close();
  return Object.getPrototypeOf(fh) as { datasync(): Promise<void> };
}
