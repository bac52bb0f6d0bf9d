/** The policy applies to live findings too: their rule ids are known, overrides and suppressions work. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIVE_RULE_IDS } from '../../../src/core/assess/live-rule-ids';
import type { Finding } from '../../../src/core/model/finding';
import { applyPolicy } from '../../../src/core/policy/apply-policy';
import { loadPolicy } from '../../../src/core/policy/load-policy';
import type { Policy } from '../../../src/core/policy/policy-schema';
import { ALL_RULES } from '../../../src/core/rules/all-rules';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';

const POLICY = '/ws/.kilocode/mcp-policy.json';
const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'tool-name-collision',
  category: 'tool-name-collision',
  severity: 'medium',
  server: 'github',
  file: '.kilocode/mcp.json',
  line: 3,
  column: 5,
  endLine: 3,
  endColumn: 9,
  jsonPath: ['mcpServers', 'github'],
  message: 'collides',
  remediable: false,
  fingerprint: 'f1',
  ...over,
});

describe('policy for live findings', () => {
  it('accepts live rule ids in a policy file', async () => {
    const text = JSON.stringify({ version: 1, severity: { 'tool-description-too-long': 'info' }, suppressions: [{ rule: 'tool-name-collision', server: 'git*', reason: 'GitHub and GitLab share names by design' }] });
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: text }), POLICY, false, [...ALL_RULES.map((r) => r.id), ...LIVE_RULE_IDS]);
    assert.deepEqual(loaded.errors, []);
    assert.ok(LIVE_RULE_IDS.includes('unreachable-server') && LIVE_RULE_IDS.includes('tool-definition-changed'));
  });

  it('overrides severities and suppresses by rule, category, server and file; expired suppressions stop and are noted', () => {
    const policy: Policy = {
      version: 1,
      severity: { 'category:tool-poisoning': 'critical' },
      suppressions: [
        { rule: 'tool-name-collision', server: 'git*', reason: 'shared by design' },
        { rule: 'unreachable-server', reason: 'offline in CI', expires: '2020-01-01' },
      ],
    };
    const { findings, notes } = applyPolicy(
      [finding({}), finding({ server: 'other', fingerprint: 'f2' }), finding({ ruleId: 'tool-hidden-instructions', category: 'tool-poisoning', severity: 'high', fingerprint: 'f3' }), finding({ ruleId: 'unreachable-server', category: 'unreachable-server', fingerprint: 'f4' })],
      policy,
      new Date('2026-11-24T00:00:00Z'),
    );
    assert.deepEqual(findings[0]?.suppressed, { reason: 'shared by design' });
    assert.equal(findings[1]?.suppressed, undefined, 'another server is not suppressed');
    assert.equal(findings[2]?.severity, 'critical');
    assert.equal(findings[3]?.suppressed, undefined, 'expired');
    assert.equal(notes.length, 1);
    assert.match(notes[0]!, /expired on 2020-01-01/);
  });
});
