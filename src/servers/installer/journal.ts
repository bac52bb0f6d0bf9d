import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { OversightError } from '../../core/errors';
import { ApproverSchema, BaseHashSchema, Sha256HexSchema } from '../../core/grants/grant-schema';
import { type FileOps, writeAtomic } from './file-ops';

export const ExecutionStatusSchema = z.enum(['applying', 'applied', 'failed', 'rolling-back', 'rolled-back']);
export type ExecutionStatus = z.infer<typeof ExecutionStatusSchema>;

/** One file an execution replaced: enough to check it and to put the old text back. */
export const ExecutionFileSchema = z.object({
  file: z.string(),
  displayPath: z.string(),
  baseHash: BaseHashSchema,
  newHash: Sha256HexSchema,
  /** The file's text before the apply; null when the apply created it (rollback deletes it). */
  previousText: z.string().nullable(),
  /** Permission bits the file had (kept on replace and on rollback). */
  mode: z.number().int().optional(),
});
export type ExecutionFile = z.infer<typeof ExecutionFileSchema>;

export const ApprovalRecordSchema = z.object({
  grantId: z.string(),
  /** SHA-256 of the signed grant's canonical JSON: the same grant again is recognised (exactly once). */
  grantDigest: z.string().optional(),
  subjectHash: Sha256HexSchema,
  approver: ApproverSchema,
  via: z.enum(['grant', 'elicitation']),
});

/**
 * One record per execution, written atomically before the first file is replaced and after the last:
 * `applying` -> `applied` (or `failed`) -> `rolling-back` -> `rolled-back`. A process killed mid-way
 * leaves `applying`/`rolling-back`, which recovery resolves from the files' hashes.
 */
export const ExecutionRecordSchema = z.object({
  version: z.literal(1),
  executionId: z.string(),
  proposalId: z.string(),
  status: ExecutionStatusSchema,
  approval: ApprovalRecordSchema,
  startedAt: z.string(),
  appliedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** Why it failed, or what recovery found (code and sentence; never file contents). */
  notes: z.array(z.string()),
  files: z.array(ExecutionFileSchema).min(1),
  rollback: ApprovalRecordSchema.extend({ startedAt: z.string(), finishedAt: z.string().optional() }).optional(),
});
export type ExecutionRecord = z.infer<typeof ExecutionRecordSchema>;

const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** An execution id from a caller becomes a file name: only ids we could have made are looked up. */
export function isExecutionId(id: string): boolean {
  return EXECUTION_ID.test(id);
}

/**
 * The execution journal: `<stateDir>/executions/<executionId>.json`, folder 0700, files 0600. The
 * previous texts it keeps are the user's own config files (which may hold secrets, as the files
 * themselves do): kept beside them, readable by the user only, and git-ignored.
 */
export class Journal {
  readonly dir: string;
  private initialised = false;

  constructor(
    readonly stateDir: string,
    private readonly ops: FileOps,
  ) {
    this.dir = join(stateDir, 'executions');
  }

  async init(): Promise<void> {
    if (this.initialised) return;
    try {
      await this.ops.mkdir(this.dir, 0o700);
      // mkdir's mode only applies to folders it creates (and is masked): make sure of both.
      await chmod(this.stateDir, 0o700);
      await chmod(this.dir, 0o700);
      const ignore = join(this.stateDir, '.gitignore');
      await writeFile(ignore, '# MCP Oversight Installer journal: copies of your config files. Never commit.\n*\n', { flag: 'wx', mode: 0o600 }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
    } catch (e) {
      throw new OversightError('TARGET_UNWRITABLE', `Cannot create the Installer's journal folder ${this.dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}). Start the server with --state-dir pointing to a writable folder.`, { cause: e });
    }
    this.initialised = true;
  }

  private path(executionId: string): string {
    return join(this.dir, `${executionId}.json`);
  }

  async put(record: ExecutionRecord): Promise<void> {
    const text = `${JSON.stringify(ExecutionRecordSchema.parse(record), null, 2)}\n`;
    try {
      await writeAtomic(this.ops, this.path(record.executionId), text, 0o600, 'journal');
    } catch (e) {
      throw new OversightError('TARGET_UNWRITABLE', `Cannot write the Installer's journal in ${this.dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}); no config file was changed by this step. Free disk space or fix the folder's permissions (or start with --state-dir), then apply again.`, { cause: e });
    }
  }

  async get(executionId: string): Promise<ExecutionRecord | undefined> {
    if (!isExecutionId(executionId)) return undefined;
    let text: string;
    try {
      text = await readFile(this.path(executionId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = ExecutionRecordSchema.safeParse(json);
    if (!parsed.success) throw new OversightError('internal', `The journal record ${this.path(executionId)} is damaged (${parsed.error.issues[0]?.message ?? 'not JSON'}); it cannot be used for a rollback. Restore the files by hand if needed.`);
    return parsed.data;
  }

  /** Every readable record, oldest first; damaged ones are reported through `onDamaged` and skipped. */
  async list(onDamaged?: (file: string, why: string) => void): Promise<ExecutionRecord[]> {
    const out: ExecutionRecord[] = [];
    for (const name of await this.ops.readdir(this.dir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const file = join(this.dir, name);
      try {
        const parsed = ExecutionRecordSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
        if (parsed.success) out.push(parsed.data);
        else onDamaged?.(file, parsed.error.issues[0]?.message ?? 'invalid');
      } catch (e) {
        onDamaged?.(file, e instanceof Error ? e.message : String(e));
      }
    }
    return out.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  }

  /** Temporary files of interrupted journal writes. */
  async removeTemps(): Promise<void> {
    for (const name of await this.ops.readdir(this.dir)) {
      if (name.startsWith('.') && name.endsWith('.tmp')) await this.ops.unlink(join(this.dir, name)).catch(() => undefined);
    }
  }
}
