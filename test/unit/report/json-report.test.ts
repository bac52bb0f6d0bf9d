import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonReportSchema, type AssessmentResult } from '../../../src/core/assess/assessment-result';
import type { Finding } from '../../../src/core/model/finding';
import { renderJson } from '../../../src/core/report/json-report';
import { finding, result, richResult } from './fixtures';

/** Rebuilds an object with its keys in reverse order: same data, different insertion order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  }
  return value;
}

describe('renderJson', () => {
  it('is pretty-printed with two spaces and ends with a newline', () => {
    const text = renderJson(richResult());
    assert.ok(text.startsWith('{\n  "version": 1,\n'));
    assert.ok(text.endsWith('}\n'));
    assert.ok(!text.endsWith('\n\n'));
  });

  it('round-trips to the same result, valid against the schema', () => {
    const r = richResult();
    r.findings[0] = finding({
      remediation: {
        description: 'Use an environment variable',
        edits: [{ file: '/work/repo/.kilocode/mcp.json', jsonPath: ['mcpServers', 'github', 'env', 'GITHUB_TOKEN'], value: '${env:GITHUB_TOKEN}' }],
        followUp: 'export GITHUB_TOKEN',
      },
    });
    const parsed: unknown = JSON.parse(renderJson(r));
    // Everything round-trips except remediation edits, which reports never print (they carry file values).
    const expected = structuredClone(r);
    expected.findings[0] = { ...(r.findings[0] as Finding), remediation: { description: 'Use an environment variable', followUp: 'export GITHUB_TOKEN' } as Finding['remediation'] };
    assert.deepEqual(parsed, expected);
    assert.ok(JsonReportSchema.safeParse(parsed).success);
    assert.ok(!renderJson(r).includes('${env:GITHUB_TOKEN}'), 'edit values are not printed');
  });

  it('has the public contract fields, in a stable order', () => {
    const doc = JSON.parse(renderJson(richResult())) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['version', 'tool', 'workspace', 'sources', 'findings', 'errors', 'policyNotes', 'rules']);
    assert.equal(doc['version'], 1);
    const findings = doc['findings'] as Record<string, unknown>[];
    const first = findings[0];
    assert.ok(first);
    assert.deepEqual(Object.keys(first).slice(0, 4), ['ruleId', 'category', 'severity', 'server']);
    for (const key of ['file', 'line', 'column', 'message', 'remediable', 'fingerprint']) assert.ok(key in first, key);
  });

  it('does not depend on the key order of its input', () => {
    const r = richResult();
    assert.equal(renderJson(reversedKeys(r)), renderJson(r));
  });

  it('leaves out undefined optional fields and keeps null server', () => {
    const r: AssessmentResult = result({ workspace: undefined, findings: [finding({ server: null, serverId: undefined })] });
    const doc = JSON.parse(renderJson(r)) as Record<string, unknown>;
    assert.ok(!('workspace' in doc));
    const f = (doc['findings'] as Record<string, unknown>[])[0];
    assert.ok(f);
    assert.equal(f['server'], null);
    assert.ok(!('serverId' in f));
    assert.ok(!('suppressed' in f));
  });

  it('drops fields outside the contract (sources never carry their errors)', () => {
    const r = result();
    const leaky = { ...r, sources: r.sources.map((s) => ({ ...s, errors: ['x'] })), extra: true };
    const doc = JSON.parse(renderJson(leaky)) as Record<string, unknown>;
    assert.ok(!('extra' in doc));
    const s = (doc['sources'] as Record<string, unknown>[])[0];
    assert.ok(s && !('errors' in s));
  });

  it('keeps file paths as given', () => {
    const r = result({ findings: [finding({ file: '.kilocode/mcp.json' }), finding({ file: 'C:\\repo\\mcp.json' })] });
    const doc = JSON.parse(renderJson(r)) as { findings: { file: string }[] };
    assert.deepEqual(
      doc.findings.map((f) => f.file),
      ['.kilocode/mcp.json', 'C:\\repo\\mcp.json'],
    );
  });

  it('round-trips hostile strings', () => {
    const hostile = 'a "quote"\n\x1b[2J</script>\u2028\\';
    const r = result({ findings: [finding({ message: hostile, server: hostile })] });
    const text = renderJson(r);
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(text));
    const doc = JSON.parse(text) as AssessmentResult;
    assert.equal(doc.findings[0]?.message, hostile);
    assert.equal(doc.findings[0]?.server, hostile);
  });
});
