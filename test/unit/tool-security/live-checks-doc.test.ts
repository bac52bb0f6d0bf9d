/** docs/LIVE-CHECKS.md stays true: every live rule documented, the corpus table matches the fixtures. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CATEGORIES } from '../../../src/core/model/category';
import { PIN_RULES } from '../../../src/core/pinning';
import { ALL_RULES } from '../../../src/core/rules/all-rules';
import { TOOL_SECURITY_RULES } from '../../../src/core/tool-security';
import { realCorpus } from './corpus';

const doc = readFileSync('docs/LIVE-CHECKS.md', 'utf8');
const liveIds = [...Object.keys(TOOL_SECURITY_RULES), ...Object.keys(PIN_RULES)];

describe('docs/LIVE-CHECKS.md', () => {
  it('documents every live rule id in its table', () => {
    for (const id of liveIds) assert.ok(doc.includes(`| \`${id}\` |`), id);
  });
  it('live rule ids are kebab-case, unique, distinct from the static rules, in known categories', () => {
    const staticIds = new Set(ALL_RULES.map((r) => r.id));
    assert.equal(new Set(liveIds).size, liveIds.length);
    for (const id of liveIds) {
      assert.match(id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
      assert.ok(!staticIds.has(id), id);
    }
    for (const r of Object.values(TOOL_SECURITY_RULES)) assert.ok((CATEGORIES as readonly string[]).includes(r.category));
  });
  it('lists every server of the real corpus with its version and tool count', () => {
    for (const s of realCorpus()) assert.ok(doc.includes(`| ${s.package}@${s.version} | ${s.probe.tools.length} |`), `${s.package}@${s.version}`);
  });
});
