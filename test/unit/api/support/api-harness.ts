import { request, Agent } from 'node:https';
import { ApiServer, type ApiLimits } from '../../../../src/api/api-server';
import { ApiKeyStore, type ApiKeyPersistence } from '../../../../src/api/auth/api-keys';
import { newApiSigningKeyPem, apiSigningKeyFromPem, type ApiSigningKey } from '../../../../src/api/auth/jwt-keys';
import { createJwtVerifier, localIssuer, mintApiToken } from '../../../../src/api/auth/jwt';
import { createAuthenticator } from '../../../../src/api/authenticator';
import type { ApiCoordinator } from '../../../../src/api/handlers';
import { ROLES, type Role } from '../../../../src/api/permissions';
import { generateSelfSignedCertificate } from '../../../../src/api/tls/self-signed';
import type { AuditInput } from '../../../../src/core/audit/audit-entry';
import type { AssessmentResponse } from '../../../../src/core/coordination/messages';
import { OversightError } from '../../../../src/core/errors';

/**
 * A fake of the coordinator at the API's boundary (the API's own logic is what these tests exercise;
 * test/integration/api-*.test.ts runs the same server on the real coordinator and its two servers).
 */
export class FakeCoordinator implements ApiCoordinator {
  readonly workspace = '/work/space';
  readonly recorded: AuditInput[] = [];
  assessed = 0;
  decided: unknown[] = [];

  async assess(): Promise<AssessmentResponse> {
    this.assessed++;
    return { requestId: 'r1', assessmentId: 'a1', kind: 'static', source: 'compliance-server', degraded: false, summary: { critical: 0, high: 1, medium: 0, low: 0, info: 0 }, findings: [], errors: [], completedAt: '2026-11-24T10:00:00.000Z' };
  }
  async requestLiveAssessment(): Promise<never> {
    throw new OversightError('SERVER_UNAVAILABLE', 'the Compliance Server is down (fake)');
  }
  async proposeRemediation(): Promise<never> {
    throw new OversightError('SERVER_UNAVAILABLE', 'the Compliance Server is down (fake)');
  }
  async decide(r: unknown): Promise<never> {
    this.decided.push(r);
    throw new OversightError('APPROVAL_NOT_FOUND', 'no such request (fake)');
  }
  approvals() {
    return [];
  }
  approval(id: string): never {
    throw new OversightError('APPROVAL_NOT_FOUND', `No approval request ${id}.`);
  }
  health() {
    return { compliance: { server: 'compliance' as const, state: 'up', breaker: 'closed' }, installer: { server: 'installer' as const, state: 'up', breaker: 'closed' } };
  }
  async readAudit() {
    return [];
  }
  async deadLetters() {
    return [];
  }
  lastAssessment() {
    return undefined;
  }
  /** What each recorded entry waited for (the option given with it). */
  readonly until: (string | undefined)[] = [];
  async recordApiEvent(e: AuditInput, options?: { until?: 'durable' | 'written' }): Promise<void> {
    this.recorded.push(e);
    this.until.push(options?.until);
  }
}

export function memoryPersistence(): ApiKeyPersistence {
  let text: string | undefined;
  return { location: 'memory', load: async () => text, save: async (t) => void (text = t) };
}

let tlsCache: { certPem: string; keyPem: string } | undefined;
export const testTls = () => (tlsCache ??= generateSelfSignedCertificate());

export interface Harness {
  server: ApiServer;
  coordinator: FakeCoordinator;
  port: number;
  keys: ApiKeyStore;
  signing: ApiSigningKey;
  issuer: string;
  /** An API key per role. */
  apiKey: Record<Role, string>;
  /** A JWT per role. */
  token: Record<Role, string>;
  close(): Promise<void>;
}

export async function startHarness(o: { limits?: Partial<ApiLimits>; coordinator?: FakeCoordinator; log?: (line: string) => void } = {}): Promise<Harness> {
  const coordinator = o.coordinator ?? new FakeCoordinator();
  const keys = await ApiKeyStore.open(memoryPersistence());
  const signing = apiSigningKeyFromPem(newApiSigningKeyPem());
  const issuer = localIssuer(signing.kid);
  const tokens = createJwtVerifier({ local: { publicKey: signing.publicKey, issuer } });
  const tls = testTls();
  const server = new ApiServer({
    coordinator,
    authenticate: createAuthenticator({ apiKeys: keys, tokens }),
    tls: { cert: tls.certPem, key: tls.keyPem },
    limits: { principalRate: { burst: 100_000, perSecond: 100_000 }, ipRate: { burst: 100_000, perSecond: 100_000 }, ...o.limits },
    log: o.log ?? (() => undefined),
  });
  const { port } = await server.listen();
  const apiKey = {} as Record<Role, string>;
  const token = {} as Record<Role, string>;
  for (const role of ROLES) {
    apiKey[role] = (await keys.create({ name: `${role} bot`, role })).key;
    token[role] = await mintApiToken({ key: signing, issuer, role, subject: `${role}-user`, ttlSeconds: 3600 });
  }
  return { server, coordinator, port, keys, signing, issuer, apiKey, token, close: () => server.close(1000) };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** One HTTPS request against the harness, trusting its self-signed certificate (and nothing else). */
export function call(port: number, method: string, path: string, o: { headers?: Record<string, string>; body?: string | Buffer; json?: unknown; host?: string; onSocket?: (socket: unknown) => void } = {}): Promise<Reply> {
  const body = o.json !== undefined ? JSON.stringify(o.json) : o.body;
  const headers: Record<string, string> = { ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: o.host ?? `127.0.0.1:${port}`, ...headers }, ca: testTls().certPem, servername: 'localhost', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (o.onSocket) req.on('socket', o.onSocket);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

export const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
