import { z } from 'zod';

export const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

/**
 * The hash of a file that does not exist yet (a proposal that creates it). Distinct from the hash of
 * an empty file, so "create" can never overwrite a file that appeared meanwhile.
 */
export const ABSENT_FILE_HASH = 'absent';
export const BaseHashSchema = z.union([Sha256HexSchema, z.literal(ABSENT_FILE_HASH)]);

/** Who approved: an identity supplied by the host (editor account, API principal, or an MCP client's human). */
export const ApproverSchema = z.object({
  id: z.string().min(1).max(256),
  label: z.string().max(256),
  /** e.g. `github`, `microsoft`, `os-user`, `api`, `mcp-elicitation`. */
  provider: z.string().min(1).max(64),
  /** False when the host could not verify the identity (recorded so, never hidden). */
  verified: z.boolean(),
});
export type Approver = z.infer<typeof ApproverSchema>;

/**
 * A human decision bound to exactly what was reviewed. `subjectHash` is the domain-separated hash of
 * the request or proposal (see `HASH_TAGS`); for a remediation, `targetFile`/`baseHash` are the first
 * file of the proposal (every file's base hash is inside the hashed proposal too). An assessment grant
 * names the workspace folder and no base hash.
 */
export const GrantSchema = z.object({
  grantId: z.string().min(1).max(128),
  kind: z.enum(['assessment', 'remediation']),
  subjectHash: Sha256HexSchema,
  targetFile: z.string().min(1).max(4096),
  baseHash: BaseHashSchema.nullable(),
  approver: ApproverSchema,
  decidedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type Grant = z.infer<typeof GrantSchema>;

/** A grant and the coordinator's Ed25519 signature over its canonical JSON (base64). */
export const SignedGrantSchema = z.object({
  grant: GrantSchema,
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'a base64 Ed25519 signature (64 bytes)'),
});
export type SignedGrant = z.infer<typeof SignedGrantSchema>;
