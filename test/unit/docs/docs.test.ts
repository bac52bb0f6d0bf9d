import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CATEGORIES } from '../../../src/core/model/category';
import { ALL_RULES } from '../../../src/core/rules/all-rules';
import { renderRulesDoc } from '../../../scripts/rules-doc';

describe('documentation stays true', () => {
  it('docs/RULES.md is generated from the current rules (run `npm run docs:rules`)', () => {
    assert.equal(readFileSync('docs/RULES.md', 'utf8'), renderRulesDoc());
  });

  it('rule ids are unique, kebab-case, and use a known category', () => {
    const ids = ALL_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of ALL_RULES) {
      assert.match(r.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      assert.ok((CATEGORIES as readonly string[]).includes(r.category), r.id);
      assert.ok(r.rationale.length > 40 && r.help.length > 20, `${r.id} explains itself`);
    }
  });

  it('README lists every category', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const c of CATEGORIES) assert.ok(readme.includes(`\`${c}\``), c);
  });
});
