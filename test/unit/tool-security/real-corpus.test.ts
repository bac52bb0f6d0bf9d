/**
 * False alarms cost trust: what real servers tell the model must not raise anything at medium or
 * above. The corpus is the tool, prompt and resource lists of official reference servers and widely
 * used vendor servers, as they answered `tools/list` (test/fixtures/tools/real, captured by
 * scripts/capture-tool-fixtures.mjs; no network here). Nothing in the checks knows these servers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeast } from '../../../src/core/model/severity';
import { analyzeServerOutputs, type ToolSecurityHit } from '../../../src/core/tool-security';
import { realCorpus } from './corpus';

const corpus = realCorpus();
const show = (hs: readonly ToolSecurityHit[]) => hs.map((h) => `${h.severity} ${h.ruleId} ${h.serverName}/${h.tool ?? '-'} ${h.field}: ${h.quote}`).join('\n');

describe('real servers: no false alarms', () => {
  it('the corpus is there (20 servers, 200+ tools)', () => {
    assert.ok(corpus.length >= 20, `${corpus.length} servers`);
    assert.ok(corpus.reduce((n, s) => n + s.probe.tools.length, 0) >= 200);
  });

  for (const server of corpus) {
    it(`${server.package}@${server.version}: nothing at medium or above`, () => {
      const hits = analyzeServerOutputs([server.probe]);
      const serious = hits.filter((h) => atLeast(h.severity, 'medium'));
      assert.deepEqual(serious, [], show(serious));
    });
  }

  it('all configured together: only the tool names GitHub and GitLab really share collide', () => {
    const hits = analyzeServerOutputs(corpus.map((s) => s.probe));
    const serious = hits.filter((h) => atLeast(h.severity, 'medium'));
    const shared = ['create_branch', 'create_issue', 'create_or_update_file', 'create_repository', 'fork_repository', 'get_file_contents', 'push_files', 'search_repositories'];
    assert.deepEqual(
      serious.map((h) => `${h.ruleId} ${h.severity} ${h.serverName} ${h.tool}`).sort(),
      shared.flatMap((t) => [`tool-name-collision medium github ${t}`, `tool-name-collision medium gitlab ${t}`]).sort(),
      show(serious),
    );
  });

  it('the low findings are the two long Firecrawl descriptions and one mention of a server name', () => {
    const low = analyzeServerOutputs(corpus.map((s) => s.probe)).filter((h) => h.severity === 'low');
    assert.deepEqual(
      low.map((h) => `${h.ruleId} ${h.serverName} ${h.tool}`).sort(),
      ['tool-cross-server-reference firecrawl firecrawl_parse', 'tool-description-too-long firecrawl firecrawl_monitor_create', 'tool-description-too-long firecrawl firecrawl_scrape'],
      show(low),
    );
  });
});
