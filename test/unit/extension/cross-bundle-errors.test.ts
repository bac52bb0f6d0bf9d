import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { isOversightError, OversightError } from '../../../src/core/errors';

/**
 * dist/extension.js (the glue) and dist/extension-core.js (required on first use) each bundle their own
 * copy of src/core/errors.ts, so an error thrown by the coordinator is an instance of the *other*
 * OversightError class. This builds a second copy the same way (esbuild, CommonJS) and checks that the
 * glue still recognises and presents it by name and code.
 */
describe('isOversightError across bundles', () => {
  let dir = '';
  let other: typeof import('../../../src/core/errors');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-oversight-errors-'));
    const outfile = join(dir, 'errors.js');
    buildSync({ entryPoints: [resolve('src/core/errors.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second copy of the module, as the lazy bundle is
    other = require(outfile) as typeof import('../../../src/core/errors');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the second copy really is another class', () => {
    assert.notEqual(other.OversightError, OversightError);
    assert.equal(new other.OversightError('io', 'x') instanceof OversightError, false);
  });

  it('recognises the other bundle\'s errors, with their code and details', () => {
    const e: unknown = new other.OversightError('STALE_PROPOSAL', 'the file changed', { details: { freshRequestId: 'r2' } });
    assert.ok(isOversightError(e));
    assert.equal(e.code, 'STALE_PROPOSAL');
    assert.deepEqual(e.details, { freshRequestId: 'r2' });
    assert.ok(other.isOversightError(new OversightError('io', 'y')), 'and the other way round');
  });

  it('recognises its own errors', () => {
    assert.ok(isOversightError(new OversightError('usage', 'z')));
  });

  it('rejects look-alikes: wrong name, unknown code, no details, not an Error', () => {
    const named = (name: string, code: unknown, details: unknown = {}) => Object.assign(Object.defineProperty(new Error('m'), 'name', { value: name }), { code, details });
    assert.equal(isOversightError(named('Error', 'io')), false);
    assert.equal(isOversightError(named('OversightError', 'no-such-code')), false);
    assert.equal(isOversightError(named('OversightError', 'io', null)), false);
    assert.equal(isOversightError({ name: 'OversightError', code: 'io', details: {}, message: 'plain object' }), false);
    assert.equal(isOversightError(undefined), false);
    assert.equal(isOversightError('OversightError'), false);
  });
});
