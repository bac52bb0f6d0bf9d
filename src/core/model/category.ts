import { z } from 'zod';

/**
 * Finding categories. These strings are a public contract (CI filters, SARIF tags, dashboards):
 * add to the end, never rename or remove.
 */
export const CATEGORIES = [
  'secret-in-config',
  'unpinned-package',
  'insecure-transport',
  'auto-approve-all',
  'auto-approve-dangerous',
  'dangerous-command',
  'privileged-container',
  'server-shadowed',
  'invalid-config',
  'policy-violation',
  // Live checks (Compliance Server, later issue):
  'tool-poisoning',
  'hidden-characters',
  'tool-definition-changed',
  'tool-name-collision',
  'unreachable-server',
] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;
