import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessTarget } from '../../../src/core/assess/assess-workspace';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { renderSarif } from '../../../src/core/report/sarif-report';
import { renderTable } from '../../../src/core/report/table-report';

describe('a config error is reported once', () => {
  it('as one config-error finding: one SARIF result, one table row', async () => {
    const fs = new MemoryFileSystem({ '/ws/.kilocode/mcp.json': '{ "mcpServers": { "a": { "command": "node" } ' });
    const { result } = await assessTarget(fs, { path: '/ws', includeGlobal: false, platform: 'linux', env: {}, toolVersion: 't' });
    const n = result.errors.length;
    assert.ok(n >= 1);
    assert.equal(result.findings.filter((f) => f.ruleId === 'config-error').length, n);
    const sarif = JSON.parse(renderSarif(result, { baseDir: '/ws' })) as { runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.runs[0]?.results.filter((r) => r.ruleId === 'config-error').length, n);
    const table = renderTable(result, { color: false, baseDir: '/ws' });
    assert.equal(table.split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l)).length, n, table);
  });
});
