import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sanitizeForTerminal, stripAnsi } from '../../../src/core/report/ansi';
import { renderTable } from '../../../src/core/report/table-report';
import { BASE, GLOBAL_FILE, PROJECT_FILE, configError, finding, result, richResult, source } from './fixtures';

const plain = (r: Parameters<typeof renderTable>[0], width?: number): string =>
  renderTable(r, width === undefined ? { color: false, baseDir: BASE } : { color: false, baseDir: BASE, width });

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** The last non-empty line. */
function summaryOf(text: string): string {
  return lines(text).filter((l) => l !== '').at(-1) ?? '';
}

const HOSTILE = 'evil\x1b]0;owned\x07\x1b[2J\u202ename\nnext';

describe('renderTable', () => {
  it('has no ANSI escapes at all when colour is off, even for hostile input', () => {
    const r = richResult();
    r.findings.push(finding({ server: HOSTILE, message: HOSTILE, fingerprint: 'h' }));
    r.errors.push(configError({ message: HOSTILE, fix: HOSTILE, field: HOSTILE }));
    r.policyNotes.push(HOSTILE);
    const text = plain(r);
    assert.ok(!text.includes('\x1b'));
    assert.ok(!text.includes('\x07'));
    assert.ok(!text.includes('\u202e'));
    assert.ok(text.includes('evil\\x1b]0;owned'), 'escapes are shown, visibly');
    assert.ok(!plain(result()).includes('\x1b'));
  });

  it('shows invisible and format characters as escapes: tag characters, fillers, selectors, bidi controls', () => {
    const INVISIBLE = [
      0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e,
      0x2060, 0x2061, 0x2064, 0x2066, 0x2069, 0x3164, 0xfe00, 0xfe0f, 0xfeff, 0xffa0, 0xe0000, 0xe0001, 0xe0041, 0xe007f, 0xe0100, 0xe01ef,
    ];
    for (const code of INVISIBLE) {
      const ch = String.fromCodePoint(code);
      const shown = code <= 0xff ? `\\x${code.toString(16)}` : `\\u{${code.toString(16)}}`;
      assert.equal(sanitizeForTerminal(`a${ch}b`), `a${shown}b`, code.toString(16));
    }
    // Text hidden in tag characters ("ignore" spelled with U+E0069…) becomes visible, whole code points.
    const hidden = 'run ' + [...'ignore'].map((c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) ?? 0))).join('');
    const r = richResult();
    r.findings.push(finding({ server: hidden, message: `tool ${hidden}`, fingerprint: 'tags' }));
    const text = plain(r, 200);
    for (const code of INVISIBLE) assert.ok(!text.includes(String.fromCodePoint(code)), code.toString(16));
    assert.ok(text.includes('run \\u{e0069}\\u{e0067}\\u{e006e}'));
    // Visible text, including other non-ASCII letters and emoji, is left alone.
    assert.equal(sanitizeForTerminal('café 中文 🔑 ½'), 'café 中文 🔑 ½');
  });

  it('colours severities when colour is on, without letting input inject escapes', () => {
    const r = richResult();
    r.findings.push(finding({ server: 'x', message: HOSTILE, fingerprint: 'h' }));
    const text = renderTable(r, { color: true, baseDir: BASE });
    assert.ok(text.includes('\x1b[1m\x1b[31mCRITICAL\x1b[39m\x1b[22m'));
    assert.ok(text.includes('\x1b[31mHIGH\x1b[39m'));
    assert.ok(text.includes('\x1b[1m\x1b[31mERROR\x1b[39m\x1b[22m'));
    // Only SGR sequences of our own: no OSC (title), no clear-screen.
    assert.ok(!text.includes('\x1b]'));
    assert.ok(!text.includes('\x1b[2J'));
    assert.equal(stripAnsi(text), plain(r));
  });

  it('groups by file with paths relative to baseDir, ~ for the home folder', () => {
    const out = lines(plain(richResult()));
    const headers = out.filter((l) => l !== '' && !l.startsWith(' ') && !l.startsWith('policy:') && !/^\d/.test(l));
    assert.deepEqual(headers, ['.kilocode/mcp.json', '.vscode/mcp.json', '~/.config/kilo/kilo.json']);
  });

  it('shows paths outside baseDir as given when no source names them', () => {
    const r = result({ sources: [], findings: [finding({ file: '/opt/elsewhere/mcp.json' })] });
    assert.ok(lines(plain(r)).includes('/opt/elsewhere/mcp.json'));
    // Without a baseDir nothing is relative.
    assert.ok(lines(renderTable(result({ findings: [finding()] }), { color: false })).includes(PROJECT_FILE));
  });

  it('prints one aligned line per finding: line:col, severity, server, message, [ruleId]', () => {
    const r = result({
      findings: [
        finding({ message: 'Plaintext GitHub token in env.GITHUB_TOKEN' }),
        finding({ line: 120, column: 3, severity: 'low', server: 'fs', message: 'Short', ruleId: 'unpinned-package', fingerprint: 'b' }),
      ],
    });
    const rows = lines(plain(r)).filter((l) => /^ {2}\d/.test(l));
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? '', /^ {2}7:25 {3}CRITICAL {2}github +Plaintext GitHub token .* {2}\[secret-in-config\]$/);
    assert.match(rows[1] ?? '', /^ {2}120:3 {2}LOW {7}fs +Short {2}\[unpinned-package\]$/);
    assert.equal(rows[0]?.indexOf('Plaintext'), rows[1]?.indexOf('Short'), 'message column aligned');
    assert.equal(rows[0]?.indexOf('github'), rows[1]?.indexOf('fs'), 'server column aligned');
  });

  it('sorts findings by position, and lists config errors first with their fix', () => {
    const r = result({
      findings: [
        finding({ file: PROJECT_FILE, line: 20, column: 1, fingerprint: 'b', message: 'second' }),
        finding({ file: PROJECT_FILE, line: 2, column: 1, fingerprint: 'a', message: 'first' }),
      ],
      errors: [configError({ file: PROJECT_FILE, line: 30, column: 1 })],
    });
    const out = lines(plain(r));
    const at = (s: string): number => out.findIndex((l) => l.includes(s));
    assert.ok(at('ERROR') < at('first'));
    assert.ok(at('first') < at('second'));
    assert.equal(at('fix: Put the key in double quotes.'), at('ERROR') + 1);
    assert.match(out[at('ERROR')] ?? '', /ERROR {5}servers +Property keys must be double-quoted\. {2}\[invalid-json\]/);
  });

  it('truncates long server names with … and keeps lines within 100 columns', () => {
    const r = richResult();
    r.findings.push(
      finding({
        server: 'a-server-name-that-is-much-too-long-for-any-column',
        message: 'A long message '.repeat(12).trim(),
        fingerprint: 'long',
      }),
    );
    const out = lines(plain(r));
    assert.ok(out.some((l) => l.includes('a-server-name-that-is-m…')));
    assert.ok(!out.some((l) => l.includes('much-too-long-for-any-column')));
    for (const l of out) assert.ok(l.length <= 100, `${l.length}: ${l}`);
    // The wrapped message is complete.
    assert.equal(out.join(' ').replace(/\s+/g, ' ').split('A long message').length - 1, 12);
  });

  it('honours a narrower width', () => {
    const out = lines(plain(richResult(), 72));
    for (const l of out) assert.ok(l.length <= 72, `${l.length}: ${l}`);
  });

  it('summarises counts by severity, files, errors and suppressions', () => {
    const summary = summaryOf(plain(richResult()));
    // The suppressed medium finding is not counted among the findings.
    assert.equal(summary, '2 findings (1 critical, 1 high) in 3 files, 1 error; 1 suppressed');
  });

  it('summarises a larger mix, in severity order', () => {
    const sev = ['low', 'critical', 'medium', 'high', 'medium', 'info', 'critical'] as const;
    const r = result({
      findings: sev.map((severity, i) => finding({ severity, fingerprint: `f${i}`, file: i % 2 === 0 ? PROJECT_FILE : GLOBAL_FILE })),
      errors: [configError(), configError({ line: 9 })],
    });
    assert.equal(summaryOf(plain(r)), '7 findings (2 critical, 1 high, 2 medium, 1 low, 1 info) in 3 files, 2 errors');
  });

  it('uses singular forms', () => {
    assert.equal(summaryOf(plain(result({ findings: [finding()] }))), '1 finding (1 critical) in 1 file');
    assert.equal(summaryOf(plain(result({ errors: [configError()] }))), '0 findings in 1 file, 1 error');
  });

  it('says plainly when there are no problems', () => {
    assert.equal(plain(result()), 'No MCP configuration problems found in 3 files.\n');
    const one = result({ sources: [source(PROJECT_FILE), source(GLOBAL_FILE, { exists: false })] });
    assert.equal(plain(one), 'No MCP configuration problems found in 1 file.\n');
  });

  it('says which files it looked for when none exists', () => {
    const r = result({ sources: result().sources.map((s) => ({ ...s, exists: false })) });
    const text = plain(r);
    assert.ok(text.startsWith('No MCP configuration files found (looked for: '));
    const flat = text.replace(/\n {2}/g, ' ');
    assert.ok(flat.includes('.kilocode/mcp.json, .vscode/mcp.json, ~/.config/kilo/kilo.json'));
    assert.equal(plain(result({ sources: [] })), 'No MCP configuration files found.\n');
  });

  it('lists policy notes', () => {
    const text = plain(result({ policyNotes: ['Suppression for rule "x" expired on 2024-01-01.'] }));
    assert.ok(text.includes('policy: Suppression for rule "x" expired on 2024-01-01.'));
    assert.ok(text.endsWith('No MCP configuration problems found in 3 files.\n'));
  });

  it('marks suppressed findings with their reason', () => {
    const text = plain(richResult());
    assert.ok(text.includes('suppressed: Reviewed by security, tracked in SEC-12 (until 2099-01-01)'));
  });

  it('ends with exactly one newline and has no trailing spaces', () => {
    const text = plain(richResult());
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
    for (const l of lines(text)) assert.equal(l, l.trimEnd());
  });
});
