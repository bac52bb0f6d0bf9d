import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import type { AssessmentResult } from '../../../src/core/assess/assessment-result';
import { renderSarif } from '../../../src/core/report/sarif-report';
import { BASE, GLOBAL_FILE, PROJECT_FILE, configError, finding, result, richResult } from './fixtures';

// The official SARIF 2.1.0-rtm.5 JSON schema (draft-04), vendored next to this test because no installed package
// ships it (node-sarif-builder 5 no longer does). Copied from the npm package @microsoft/jest-sarif@1.0.0-beta.0,
// lib/schemas/sarif-2.1.0-rtm.5.json (sha256 2d99159a…4de4f8).
const schemaPath = join(dirname(fileURLToPath(import.meta.url)), 'sarif-2.1.0-rtm.5.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
// Formats (uri, date-time) would need ajv-formats; URIs are checked by hand below instead. The schema's
// `language` pattern (`…{2}]?$`) is not valid with the `u` flag, hence `unicodeRegExp: false`.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validate = ajv.compile(schema);

function render(r: AssessmentResult, opts: { baseDir?: string } = { baseDir: BASE }): Sarif.Log {
  return JSON.parse(renderSarif(r, opts)) as Sarif.Log;
}

function assertValid(log: Sarif.Log): void {
  const ok = validate(log);
  assert.ok(ok, ajv.errorsText(validate.errors, { separator: '\n' }));
}

function onlyRun(log: Sarif.Log): Sarif.Run {
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.ok(run);
  return run;
}

function rulesOf(run: Sarif.Run): Sarif.ReportingDescriptor[] {
  const rules = run.tool.driver.rules;
  assert.ok(rules);
  return rules;
}

function resultsOf(run: Sarif.Run): Sarif.Result[] {
  assert.ok(run.results);
  return run.results;
}

function artifact(r: Sarif.Result): Sarif.ArtifactLocation {
  const loc = r.locations?.[0]?.physicalLocation?.artifactLocation;
  assert.ok(loc);
  return loc;
}

describe('renderSarif', () => {
  it('is valid against the SARIF 2.1.0 schema', () => {
    assertValid(render(richResult()));
    assertValid(render(richResult(), {}));
    assertValid(render(result()));
    assertValid(render(result({ rules: [], workspace: undefined }), {}));
  });

  it('uses a validator that does reject invalid SARIF', () => {
    const log = render(richResult());
    const bad = structuredClone(log);
    const res = bad.runs[0]?.results?.[0];
    assert.ok(res);
    (res as unknown as Record<string, unknown>)['level'] = 'fatal';
    assert.equal(validate(bad), false);
    assert.equal(validate({ ...log, version: '2.0.0' }), false);
  });

  it('has the log header, tool driver and invocation', () => {
    const text = renderSarif(richResult(), { baseDir: BASE });
    assert.ok(text.endsWith('}\n'));
    const log = JSON.parse(text) as Sarif.Log;
    assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    assert.equal(log.version, '2.1.0');
    const run = onlyRun(log);
    assert.equal(run.tool.driver.name, 'mcp-oversight');
    assert.equal(run.tool.driver.version, '0.1.0');
    assert.equal(run.tool.driver.informationUri, 'https://github.com/mcp-oversight/mcp-oversight');
    assert.equal(run.invocations?.[0]?.executionSuccessful, true);
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///work/repo/' } });
    assert.deepEqual(
      run.invocations?.[0]?.toolConfigurationNotifications?.map((n) => n.message.text),
      ['Suppression for rule "old-rule" expired on 2024-01-01.'],
    );
  });

  it('describes every rule, with GitHub security metadata', () => {
    const rules = rulesOf(onlyRun(render(richResult())));
    assert.deepEqual(
      rules.map((r) => r.id),
      ['secret-in-config', 'unpinned-package', 'insecure-transport', 'config-error'],
    );
    const secret = rules[0];
    assert.ok(secret);
    assert.equal(secret.name, 'SecretInConfig');
    assert.equal(secret.shortDescription?.text, 'Plaintext secret in an MCP config');
    assert.equal(secret.fullDescription?.text, 'Anyone who can read the file, or its history, has the credential.');
    assert.equal(secret.help?.text, 'Move the value to an environment variable and reference it.');
    assert.ok(secret.help?.markdown?.includes('Move the value'));
    assert.equal(secret.defaultConfiguration?.level, 'error');
    assert.deepEqual(secret.properties, {
      category: 'secret-in-config',
      tags: ['security', 'secret-in-config'],
      'security-severity': '9.5',
    });
    assert.equal(rules[1]?.properties?.['security-severity'], '5.5');
    assert.equal(rules[1]?.defaultConfiguration?.level, 'warning');
    assert.equal(rules[2]?.properties?.['security-severity'], '8.0');
    assert.equal(rules[2]?.name, 'InsecureTransport');
  });

  it('maps severities to levels and security-severity', () => {
    const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
    const r = result({
      findings: severities.map((severity, i) => finding({ severity, ruleId: `r-${severity}`, fingerprint: `fp${i}` })),
      rules: severities.map((severity) => ({
        id: `r-${severity}`,
        category: 'dangerous-command',
        severity,
        title: 't',
        rationale: 'r',
        help: 'h',
      })),
    });
    const run = onlyRun(render(r));
    assertValid(render(r));
    assert.deepEqual(
      resultsOf(run).map((x) => x.level),
      ['error', 'error', 'warning', 'note', 'note'],
    );
    assert.deepEqual(
      rulesOf(run).map((x) => x.properties?.['security-severity']),
      ['9.5', '8.0', '5.5', '3.0', '0.0'],
    );
  });

  it('puts each finding at its region, with fingerprint and properties', () => {
    const r = richResult();
    const results = resultsOf(onlyRun(render(r)));
    r.findings.forEach((f, i) => {
      const res = results[i];
      assert.ok(res);
      assert.equal(res.ruleId, f.ruleId);
      assert.equal(res.message.text, f.message);
      assert.deepEqual(res.locations?.[0]?.physicalLocation?.region, {
        startLine: f.line,
        startColumn: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
      });
      assert.deepEqual(res.partialFingerprints, { 'mcpOversight/v1': f.fingerprint });
      assert.deepEqual(res.properties, { category: f.category, severity: f.severity, server: f.server, remediable: f.remediable });
    });
  });

  it('gives ruleIndex values that point at the rule of each result', () => {
    // Rules listed in a different order from the findings, and one finding with an undescribed rule.
    const r = richResult();
    r.rules = [...r.rules].reverse();
    r.findings.push(finding({ ruleId: 'tool-poisoning', category: 'tool-poisoning', severity: 'high', fingerprint: 'fp-x' }));
    const log = render(r);
    assertValid(log);
    const run = onlyRun(log);
    const rules = rulesOf(run);
    const results = resultsOf(run);
    assert.equal(results.length, 5);
    for (const res of results) {
      assert.equal(typeof res.ruleIndex, 'number');
      assert.equal(rules[res.ruleIndex ?? -1]?.id, res.ruleId);
    }
    assert.equal(new Set(rules.map((x) => x.id)).size, rules.length, 'rule ids are unique');
  });

  it('uses paths relative to baseDir under %SRCROOT%, forward slashes', () => {
    const results = resultsOf(onlyRun(render(richResult())));
    assert.deepEqual(artifact(results[0] as Sarif.Result), { uri: '.kilocode/mcp.json', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifact(results[3] as Sarif.Result), { uri: '.vscode/mcp.json', uriBaseId: '%SRCROOT%' });
  });

  it('gives files outside baseDir, or without one, file:// URIs', () => {
    const outside = resultsOf(onlyRun(render(richResult())))[2];
    assert.ok(outside);
    assert.deepEqual(artifact(outside), { uri: `file://${GLOBAL_FILE}` });

    const run = onlyRun(render(richResult(), {}));
    assert.equal(run.originalUriBaseIds, undefined);
    for (const res of resultsOf(run)) {
      const loc = artifact(res);
      assert.equal(loc.uriBaseId, undefined);
      assert.ok(loc.uri?.startsWith('file:///'), loc.uri);
    }
    // A sibling whose name merely starts with the base is not under it.
    const sibling = resultsOf(onlyRun(render(result({ findings: [finding({ file: `${BASE}-other/mcp.json` })] }))))[0];
    assert.ok(sibling);
    assert.deepEqual(artifact(sibling), { uri: 'file:///work/repo-other/mcp.json' });
  });

  it('percent-encodes URIs, and handles Windows paths on any platform', () => {
    const r = result({
      findings: [
        finding({ file: `${BASE}/my dir/#x%.json` }),
        finding({ file: '/elsewhere/a b.json', fingerprint: 'fp2' }),
        finding({ file: 'C:\\Users\\dev\\repo\\.cursor\\mcp.json', fingerprint: 'fp3' }),
        finding({ file: 'D:\\other\\mcp.json', fingerprint: 'fp4' }),
      ],
    });
    const results = resultsOf(onlyRun(render(r)));
    assert.deepEqual(artifact(results[0] as Sarif.Result), { uri: 'my%20dir/%23x%25.json', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifact(results[1] as Sarif.Result), { uri: 'file:///elsewhere/a%20b.json' });
    assert.deepEqual(artifact(results[2] as Sarif.Result), { uri: 'file:///C:/Users/dev/repo/.cursor/mcp.json' });

    const win = onlyRun(render(r, { baseDir: 'C:\\Users\\dev\\repo' }));
    assert.deepEqual(win.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///C:/Users/dev/repo/' } });
    assert.deepEqual(artifact(resultsOf(win)[2] as Sarif.Result), { uri: '.cursor/mcp.json', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(artifact(resultsOf(win)[3] as Sarif.Result), { uri: 'file:///D:/other/mcp.json' });

    // Every URI is a valid URI reference, resolvable against its base.
    for (const res of [...resultsOf(onlyRun(render(r))), ...resultsOf(win)]) {
      const uri = artifact(res).uri ?? '';
      assert.doesNotThrow(() => new URL(uri, 'file:///base/'));
      assert.ok(!/[\s\\]/.test(uri), uri);
    }
  });

  it('marks suppressed findings with an accepted external suppression', () => {
    const results = resultsOf(onlyRun(render(richResult())));
    assert.deepEqual(results[1]?.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'Reviewed by security, tracked in SEC-12',
        properties: { expires: '2099-01-01' },
      },
    ]);
    assert.equal(results[0]?.suppressions, undefined);
  });

  it('reports config errors as results of the config-error rule', () => {
    const r = result({
      errors: [
        configError(),
        configError({ code: 'rejected-by-client', file: PROJECT_FILE, line: 9, column: 3, client: 'KiloCode (legacy)' }),
      ],
    });
    const log = render(r);
    assertValid(log);
    const run = onlyRun(log);
    const rules = rulesOf(run);
    const results = resultsOf(run);
    const ruleIndex = rules.findIndex((x) => x.id === 'config-error');
    assert.equal(ruleIndex, 3);
    const rule = rules[ruleIndex];
    assert.equal(rule?.defaultConfiguration?.level, 'error');
    assert.equal(rule?.properties?.['category'], 'invalid-config');
    assert.deepEqual(rule?.properties?.tags, ['security', 'invalid-config']);

    assert.equal(results.length, 2);
    const [first, second] = results;
    assert.ok(first && second);
    assert.equal(first.ruleId, 'config-error');
    assert.equal(first.ruleIndex, ruleIndex);
    assert.equal(first.level, 'error');
    assert.ok(first.message.text?.startsWith('Property keys must be double-quoted.'));
    assert.ok(first.message.text?.includes('Put the key in double quotes.'));
    assert.deepEqual(first.locations?.[0]?.physicalLocation?.region, { startLine: 3, startColumn: 5 });
    assert.deepEqual(artifact(first), { uri: '.vscode/mcp.json', uriBaseId: '%SRCROOT%' });
    assert.equal(first.properties?.['category'], 'invalid-config');
    assert.equal(first.properties?.['code'], 'invalid-json');
    assert.equal(second.properties?.['client'], 'KiloCode (legacy)');
    const fp1 = first.partialFingerprints?.['mcpOversight/v1'];
    const fp2 = second.partialFingerprints?.['mcpOversight/v1'];
    assert.ok(fp1 && fp2 && fp1 !== fp2);
  });

  it('gives config errors fingerprints that do not depend on where the checkout is', () => {
    const a = render(result({ errors: [configError({ file: '/a/checkout/.vscode/mcp.json' })] }), { baseDir: '/a/checkout' });
    const b = render(result({ errors: [configError({ file: '/b/elsewhere/.vscode/mcp.json' })] }), { baseDir: '/b/elsewhere' });
    const fp = (log: Sarif.Log): unknown => resultsOf(onlyRun(log))[0]?.partialFingerprints;
    assert.deepEqual(fp(a), fp(b));
  });

  it('reuses a config-error rule already in result.rules', () => {
    const r = result({
      errors: [configError()],
      rules: [
        ...result().rules,
        { id: 'config-error', category: 'invalid-config', severity: 'high', title: 'T', rationale: 'R', help: 'H' },
      ],
    });
    const run = onlyRun(render(r));
    const rules = rulesOf(run);
    assert.equal(rules.filter((x) => x.id === 'config-error').length, 1);
    assert.equal(rules[resultsOf(run)[0]?.ruleIndex ?? -1]?.id, 'config-error');
  });

  it('leaves config-error out of the rules when there are no errors', () => {
    const rules = rulesOf(onlyRun(render(result({ findings: [finding()] }))));
    assert.ok(!rules.some((x) => x.id === 'config-error'));
  });

  it('round-trips hostile message content as JSON', () => {
    const hostile = 'say "hi"\n\r\t\\ \x1b[31mred\x1b[0m </script><script>alert(1)</script> \u2028\u2029 \u202e \ud800 \u0000';
    const r = result({
      findings: [finding({ message: hostile, server: hostile, file: `${BASE}/${'</script>'}.json` })],
      errors: [configError({ message: hostile, fix: hostile })],
    });
    const text = renderSarif(r, { baseDir: BASE });
    // Control characters never appear raw in the JSON text (only the newlines of pretty-printing).
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(text));
    const log = JSON.parse(text) as Sarif.Log;
    assertValid(log);
    const [res, err] = resultsOf(onlyRun(log));
    assert.equal(res?.message.text, hostile);
    assert.equal(res?.properties?.['server'], hostile);
    assert.ok(err?.message.text?.startsWith(hostile));
  });

  it('is deterministic', () => {
    assert.equal(renderSarif(richResult(), { baseDir: BASE }), renderSarif(richResult(), { baseDir: BASE }));
  });
});
