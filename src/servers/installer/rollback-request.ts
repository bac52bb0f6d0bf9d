import { z } from 'zod';
import { hashCanonical, HASH_TAGS } from '../../core/crypto/hash';
import { BaseHashSchema, Sha256HexSchema } from '../../core/grants/grant-schema';
import type { ExecutionRecord } from './journal';

/**
 * What a rollback grant approves: this execution's files, each going from the hash the apply left
 * (`currentHash`) back to the hash it had before (`restoreHash`, `absent` = the file is deleted).
 */
export const RollbackRequestSchema = z.object({
  executionId: z.string(),
  proposalId: z.string(),
  files: z.array(z.object({ file: z.string(), displayPath: z.string(), currentHash: Sha256HexSchema, restoreHash: BaseHashSchema })).min(1),
});
export type RollbackRequest = z.infer<typeof RollbackRequestSchema>;

export function rollbackRequestOf(record: ExecutionRecord): RollbackRequest {
  return {
    executionId: record.executionId,
    proposalId: record.proposalId,
    files: record.files.map((f) => ({ file: f.file, displayPath: f.displayPath, currentHash: f.newHash, restoreHash: f.baseHash })),
  };
}

export function rollbackRequestHash(request: RollbackRequest): string {
  return hashCanonical(HASH_TAGS.rollback, request);
}
