import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CATEGORIES } from '../../../src/core/model/category';
import { SEVERITIES } from '../../../src/core/model/severity';
import { ALL_RULES } from '../../../src/core/rules/all-rules';
import { assessFiles } from './helpers';

describe('ALL_RULES', () => {
  it('has unique kebab-case ids, known categories and severities, and text for every field', () => {
    const ids = ALL_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of ALL_RULES) {
      assert.match(r.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      assert.ok((CATEGORIES as readonly string[]).includes(r.category), r.id);
      assert.ok((SEVERITIES as readonly string[]).includes(r.severity), r.id);
      for (const field of [r.title, r.rationale, r.help]) assert.ok(field.trim().length > 10, r.id);
    }
  });

  it('has a test file named after every rule id', () => {
    for (const r of ALL_RULES) assert.ok(existsSync(join(__dirname, `${r.id}.test.ts`)), `test/unit/rules/${r.id}.test.ts`);
  });

  it('lists every rule in the result, in report order, even with no findings', async () => {
    const r = await assessFiles({});
    assert.deepEqual(
      r.result.rules.map((x) => x.id),
      ALL_RULES.map((x) => x.id),
    );
    assert.deepEqual(r.result.findings, []);
    assert.deepEqual(r.result.errors, []);
  });
});
