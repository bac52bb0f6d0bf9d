import { z } from 'zod';

/** Where a value sits in a file that the context already names (lines and columns 1-based). */
export const PositionSchema = z.object({
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  endLine: z.number().int().positive(),
  endColumn: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
});
export type Position = z.infer<typeof PositionSchema>;

/** A JSON path: object keys and array indexes from the document root. */
export const JsonPathSchema = z.array(z.union([z.string(), z.number().int().nonnegative()]));
export type JsonPath = z.infer<typeof JsonPathSchema>;

/** Where something is in a file. Lines and columns are 1-based (as editors and SARIF show them). */
export const LocationSchema = PositionSchema.extend({
  file: z.string(),
  jsonPath: JsonPathSchema,
});
export type Location = z.infer<typeof LocationSchema>;

/** `/mcpServers/a~1b/0` -> `["mcpServers","a/b","0"]`; array indexes come back as numbers when numeric. */
export function fromPointer(pointer: string): JsonPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => (/^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : seg.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** `["mcpServers","a/b",0]` -> `/mcpServers/a~1b/0` (RFC 6901). */
export function toPointer(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    out += '/' + (typeof seg === 'number' ? String(seg) : seg.replace(/~/g, '~0').replace(/\//g, '~1'));
  }
  return out;
}

/** `mcpServers["a b"].args[0]`: the form people read in messages. */
export function formatJsonPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(root)' : out;
}
