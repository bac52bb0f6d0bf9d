import { escapeCapped } from './escape';
import type { ToolSecurityProbe } from './types';

/**
 * What kind of string it is decides which checks read it: names and keys only for hidden
 * characters (their look-alikes are the collision checks' business); prose for everything.
 */
export type TextKind = 'name' | 'key' | 'prose';

/** One string a model will read, and where it came from. */
export interface TextItem {
  tool?: string;
  field: string;
  text: string;
  kind: TextKind;
  /** A description or instructions (the length check reads only these). */
  descriptive: boolean;
}

export interface CollectLimits {
  maxChars: number;
  maxTexts: number;
  maxDepth: number;
}

export interface Collected {
  items: TextItem[];
  /** Why collection stopped early, if it did. */
  truncated?: string;
}

/** Schema keywords whose values are machinery, not text for the model to act on. */
const MACHINERY = new Set(['type', '$schema', '$ref', '$id', '$anchor', 'format', 'pattern', 'contentEncoding', 'contentMediaType']);
/** Containers whose keys are names a model reads (parameter names). */
const NAMED_CHILDREN = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependentRequired']);
const DESCRIPTIVE_KEYS = new Set(['description', 'title', '$comment']);

/** `.key` when it reads plainly, else `["key"]`, escaped and capped (keys come from the server). */
function segment(key: string): string {
  return /^[A-Za-z_$][\w$-]{0,63}$/.test(key) ? `.${key}` : `[${escapeCapped(JSON.stringify(key), 70)}]`;
}

/**
 * Every string of `probe` that a model reads, in a stable order, within the limits: a hostile
 * server may send a schema nested thousands deep or megabytes of text, so the walk is iterative,
 * bounded in depth, and stops at `maxChars` / `maxTexts`.
 */
export function collectTexts(probe: ToolSecurityProbe, limits: CollectLimits): Collected {
  const items: TextItem[] = [];
  let chars = 0;
  let truncated: string | undefined;

  const add = (item: TextItem): boolean => {
    if (truncated !== undefined) return false;
    if (items.length >= limits.maxTexts) {
      truncated = `more than ${limits.maxTexts} strings`;
      return false;
    }
    if (chars + item.text.length > limits.maxChars) {
      truncated = `more than ${limits.maxChars} characters`;
      return false;
    }
    chars += item.text.length;
    items.push(item);
    return true;
  };
  const text = (tool: string | undefined, field: string, value: unknown, kind: TextKind, descriptive: boolean): void => {
    if (typeof value === 'string' && value !== '') add(tool === undefined ? { field, text: value, kind, descriptive } : { tool, field, text: value, kind, descriptive });
  };

  /** Strings anywhere in a JSON value (a schema, annotations): a model is shown the whole of it. */
  const walk = (tool: string, root: unknown, rootField: string): void => {
    const stack: { value: unknown; field: string; depth: number; key: string | undefined }[] = [{ value: root, field: rootField, depth: 0, key: undefined }];
    while (stack.length > 0 && truncated === undefined) {
      const { value, field, depth, key } = stack.pop() as (typeof stack)[number];
      if (typeof value === 'string') {
        if (key === undefined || !MACHINERY.has(key)) text(tool, field, value, 'prose', key !== undefined && DESCRIPTIVE_KEYS.has(key));
        continue;
      }
      if (value === null || typeof value !== 'object') continue;
      if (depth >= limits.maxDepth) {
        truncated = `${rootField} nested deeper than ${limits.maxDepth}`;
        break;
      }
      // Pushed in reverse so that the stack pops them in document order.
      const children: (typeof stack)[number][] = [];
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) children.push({ value: value[i] as unknown, field: `${field}[${i}]`, depth: depth + 1, key });
      } else {
        const named = key !== undefined && NAMED_CHILDREN.has(key);
        for (const k of Object.keys(value)) {
          const f = field + segment(k);
          if (named) text(tool, `${f}(name)`, k, 'key', false);
          else if (!/^[A-Za-z_$][\w$-]{0,63}$/.test(k)) text(tool, `${f}(key)`, k, 'key', false);
          children.push({ value: (value as Record<string, unknown>)[k], field: f, depth: depth + 1, key: named ? undefined : k });
        }
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as (typeof stack)[number]);
    }
  };

  text(undefined, 'instructions', probe.instructions, 'prose', true);
  for (const tool of probe.tools) {
    if (truncated !== undefined) break;
    text(tool.name, 'name', tool.name, 'name', false);
    text(tool.name, 'title', tool.title, 'prose', false);
    text(tool.name, 'description', tool.description, 'prose', true);
    walk(tool.name, tool.inputSchema, 'inputSchema');
    if (tool.outputSchema !== undefined) walk(tool.name, tool.outputSchema, 'outputSchema');
    if (tool.annotations !== undefined) walk(tool.name, tool.annotations, 'annotations');
  }
  for (const prompt of probe.prompts ?? []) {
    if (truncated !== undefined) break;
    const at = `prompt:${escapeCapped(prompt.name, 80)}`;
    text(undefined, `${at}.name`, prompt.name, 'name', false);
    text(undefined, `${at}.description`, prompt.description, 'prose', true);
    for (const arg of prompt.arguments ?? []) {
      const argAt = `${at}.arguments.${escapeCapped(arg.name, 80)}`;
      text(undefined, `${argAt}.name`, arg.name, 'name', false);
      text(undefined, `${argAt}.description`, arg.description, 'prose', true);
    }
  }
  for (const resource of probe.resources ?? []) {
    if (truncated !== undefined) break;
    const at = `resource:${escapeCapped(resource.name, 80)}`;
    text(undefined, `${at}.name`, resource.name, 'prose', false);
    text(undefined, `${at}.uri`, resource.uri, 'name', false);
    text(undefined, `${at}.description`, resource.description, 'prose', true);
  }
  return truncated === undefined ? { items } : { items, truncated };
}
