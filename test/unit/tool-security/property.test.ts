/**
 * Whatever a server sends — any strings, any nesting, any characters (lone surrogates, tags, bidi,
 * controls) — the analysis does not throw, every hit is well-formed, and no quote, message or field
 * carries a raw control or invisible character. Seeds are fixed so that a failure reproduces.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SEVERITIES } from '../../../src/core/model/severity';
import { analyzeServerOutputs, TOOL_SECURITY_RULES, type ToolSecurityProbe } from '../../../src/core/tool-security';
import { escapeInvisible, quoteSpan } from '../../../src/core/tool-security/escape';

// eslint-disable-next-line no-misleading-character-class
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\u034f\u115f\u1160\u2800\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;

/** Characters that exercise the checks: hidden ones, look-alikes, and the words the phrases use. */
const SPICE = ['\u200b', '\u200d', '\u202e', '\u2066', '\u{e0041}', '\u{e007f}', '🏴', '\ufe0f', '\ufe01', '\x1b[31m', '\x00', '\r', '\ud800', '\udc00', 'і', 'о', '<IMPORTANT>', 'do not tell the user', '~/.ssh/id_rsa', 'send_email', 'base64', '@', 'https://a.example/?q={', '\n'.repeat(25)];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.oneof(fc.constantFrom(...SPICE), fc.string({ maxLength: 8 })), { maxLength: 12 }).map((parts) => parts.join('')),
);
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
})).value;
const tool = fc.record(
  { name: text, title: text, description: text, inputSchema: fc.dictionary(text, json, { maxKeys: 5 }), annotations: fc.dictionary(text, json, { maxKeys: 2 }) },
  { requiredKeys: ['name', 'inputSchema'] },
);
const probe = fc.record(
  {
    serverId: text,
    serverName: fc.oneof(text, fc.constantFrom('mail', 'fs')),
    tools: fc.array(tool, { maxLength: 5 }),
    prompts: fc.array(fc.record({ name: text, description: fc.option(text, { nil: undefined }), arguments: fc.option(fc.array(fc.record({ name: text, description: fc.option(text, { nil: undefined }) }), { maxLength: 3 }), { nil: undefined }) }), { maxLength: 2 }),
    resources: fc.array(fc.record({ uri: text, name: text, description: fc.option(text, { nil: undefined }) }), { maxLength: 2 }),
    instructions: text,
  },
  { requiredKeys: ['serverId', 'serverName', 'tools'] },
) as fc.Arbitrary<ToolSecurityProbe>;

describe('tool security: properties', () => {
  it('never throws; hits are well-formed; nothing invisible reaches a quote, message or field', () => {
    fc.assert(
      fc.property(fc.array(probe, { maxLength: 3 }), (probes) => {
        const hits = analyzeServerOutputs(probes);
        for (const h of hits) {
          assert.ok(h.ruleId in TOOL_SECURITY_RULES, h.ruleId);
          assert.equal(h.category, TOOL_SECURITY_RULES[h.ruleId].category);
          assert.ok((SEVERITIES as readonly string[]).includes(h.severity));
          assert.doesNotMatch(h.quote, RAW_UNSAFE, JSON.stringify(h.quote));
          assert.doesNotMatch(h.message, RAW_UNSAFE, JSON.stringify(h.message));
          assert.doesNotMatch(h.field, RAW_UNSAFE, JSON.stringify(h.field));
          assert.ok(h.quote.length <= 330, `${h.quote.length}`);
        }
      }),
      { seed: 20260601, numRuns: 400 },
    );
  });

  it('quoteSpan: any text, any span, escaped and capped', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: -5, max: 405 }), fc.integer({ min: -5, max: 405 }), (s, a, b) => {
        const q = quoteSpan(s, Math.min(a, b), Math.max(a, b));
        assert.doesNotMatch(q, RAW_UNSAFE);
        assert.ok(q.length <= 330);
      }),
      { seed: 7, numRuns: 1_000 },
    );
  });

  it('escapeInvisible keeps visible text as is and round-trips hidden characters as escapes', () => {
    assert.equal(escapeInvisible('plain text — ünïcödé 😀 日本'), 'plain text — ünïcödé 😀 日本');
    assert.equal(escapeInvisible('a\u200bb\x1b[0m\n\t\u{e0041}\ud800'), 'a\\u{200B}b\\x1b[0m\\n\\t\\u{E0041}\\u{D800}');
  });
});
