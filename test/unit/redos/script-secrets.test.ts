import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskScriptSecrets } from '../../../src/core/rules/support/script-secrets';

// maskScriptSecrets now trims closing punctuation by hand and joins its cuts once (the regex
// `["'`);,]+$` and splicing the script per cut were quadratic): the output must be unchanged.
describe('maskScriptSecrets after the linear rewrite', () => {
  const KEY = 'Zq8xWv3Rk9Lp2Tn7Hb4Jd6Fs';

  it('cuts closing quotes and punctuation off a value before masking it', () => {
    assert.equal(maskScriptSecrets(`export API_KEY="${KEY}");, && node x.js`), 'export API_KEY="…d6Fs");, && node x.js');
    assert.equal(maskScriptSecrets(`f('--token', '${KEY}');`), `f('--token', '…d6Fs');`);
    assert.equal(maskScriptSecrets(`${'"'.repeat(3)}`), '"""');
  });

  it('masks every one of many secrets, keeping the text between them', () => {
    const script = Array.from({ length: 500 }, (_, i) => `K${i}_TOKEN=${KEY}${i % 10}`).join(' ; ');
    const out = maskScriptSecrets(script);
    assert.ok(!out.includes(KEY));
    assert.equal(out.split(' ; ').length, 500);
    assert.ok(out.startsWith('K0_TOKEN=…6Fs0 ; K1_TOKEN=…6Fs1 ; '));
    assert.ok(out.endsWith(' ; K499_TOKEN=…6Fs9'));
  });

  it('keeps one cut where two overlap (a URL password inside a secret-named value)', () => {
    const out = maskScriptSecrets(`DB_PASSWORD=https://u:${KEY}@db.example.com/x?api_key=${KEY}`);
    assert.ok(!out.includes(KEY.slice(0, 8)));
    assert.match(out, /^DB_PASSWORD=…/);
  });
});
