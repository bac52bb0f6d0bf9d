import { z } from 'zod';
import { ErrorResponseSchema } from './error-response';

/**
 * A request that failed for good (its retries ran out on a transient failure: a server down, timing
 * out, its circuit open). Kept on disk until a person retries or discards it, so nothing approved is
 * lost when a server is unavailable.
 */
export const DeadLetterSchema = z.object({
  id: z.string().min(1).max(128),
  operation: z.literal('execute-approval'),
  approvalId: z.string().min(1).max(128),
  title: z.string().max(500),
  server: z.enum(['compliance', 'installer']),
  tool: z.string().max(128),
  error: ErrorResponseSchema,
  attempts: z.number().int().min(1),
  firstFailedAt: z.iso.datetime({ offset: true }),
  lastFailedAt: z.iso.datetime({ offset: true }),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
