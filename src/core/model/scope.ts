import { z } from 'zod';

/** Project files live in the workspace (and may come from a cloned repository); global ones in the user's profile. */
export const ScopeSchema = z.enum(['project', 'global']);
export type Scope = z.infer<typeof ScopeSchema>;
