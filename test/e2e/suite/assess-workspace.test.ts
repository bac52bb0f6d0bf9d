import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { activated, readOutput, runCommandAndDismiss } from './support/host';

const ASSESSED = /assessed (\d+) folder\(s\): (\d+) finding\(s\)/g;

describe('Assess Workspace MCP Configuration', () => {
  it('reports the fixture workspace findings in the report channel and the log', async () => {
    await activated();
    const runsBefore = [...readOutput('MCP Oversight').matchAll(ASSESSED)].length;

    const [, folders, findings] = await runCommandAndDismiss('mcpOversight.assessWorkspace', () => [...readOutput('MCP Oversight').matchAll(ASSESSED)][runsBefore]);
    assert.equal(folders, '1');
    assert.equal(findings, '3', 'test/e2e/fixtures/workspace/.kilocode/mcp.json has three deliberate problems');

    const report = readOutput('MCP Oversight Report');
    for (const rule of ['unpinned-npm-package', 'insecure-http', 'auto-approve-all']) assert.match(report, new RegExp(`\\[${rule}\\]`), `report names ${rule}`);
    assert.match(report, /\.kilocode\/mcp\.json/, 'report names the config file');
  });
});
