import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import { ERROR_META_KEY, interpretToolResult, isBreakerFailure, isRetryableFailure, mapPolicyError, mapRequestError, unavailable } from '../../../../src/coordinator/servers/error-mapping';
import { OversightError } from '../../../../src/core/errors';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof OversightError, `not an OversightError: ${String(e)}`);
    return e.code;
  }
  throw new Error('did not throw');
};

describe('interpretToolResult', () => {
  it('returns structuredContent', () => {
    assert.deepEqual(interpretToolResult('installer', 't', { content: [], structuredContent: { a: 1 } }), { a: 1 });
  });

  it('throws the stable code of a refusal with its message and details as sent', () => {
    try {
      interpretToolResult('installer', 'apply_remediation', {
        isError: true,
        content: [{ type: 'text', text: 'STALE_PROPOSAL: the file changed' }],
        _meta: { [ERROR_META_KEY]: { code: 'STALE_PROPOSAL', message: 'the file changed', details: { file: 'a.json' } } },
      });
      assert.fail('did not throw');
    } catch (e) {
      assert.ok(e instanceof OversightError);
      assert.equal(e.code, 'STALE_PROPOSAL');
      assert.equal(e.message, 'the file changed');
      assert.deepEqual(e.details, { file: 'a.json' });
      assert.equal(isRetryableFailure(e), false);
      assert.equal(isBreakerFailure(e), false);
    }
  });

  it('an unknown code, a refusal without a code, a result without structured content, or a non-object one is SERVER_PROTOCOL', () => {
    assert.equal(code(() => interpretToolResult('c', 't', { isError: true, content: [], _meta: { [ERROR_META_KEY]: { code: 'NOPE', message: 'x' } } })), 'SERVER_PROTOCOL');
    assert.equal(code(() => interpretToolResult('c', 't', { isError: true, content: [{ type: 'text', text: 'boom' }] })), 'SERVER_PROTOCOL');
    assert.equal(code(() => interpretToolResult('c', 't', { content: [{ type: 'text', text: 'hi' }] })), 'SERVER_PROTOCOL');
    assert.equal(code(() => interpretToolResult('c', 't', { content: [], structuredContent: [1, 2] as unknown as Record<string, unknown> })), 'SERVER_PROTOCOL');
  });

  it("the SDK's own argument validation (isError text `MCP error -32602: …`) is INVALID_ARGUMENT", () => {
    assert.equal(code(() => interpretToolResult('c', 't', { isError: true, content: [{ type: 'text', text: 'MCP error -32602: Input validation error: bad' }] })), 'INVALID_ARGUMENT');
  });
});

describe('mapRequestError', () => {
  it('maps transport failures to retryable codes and server answers to final ones', () => {
    const m = (e: unknown, timedOut = false) => mapRequestError('compliance', 'x', e, timedOut, 100);
    assert.equal(m(new McpError(ErrorCode.ConnectionClosed, 'Connection closed')).code, 'SERVER_UNAVAILABLE');
    assert.equal(m(new Error('Not connected')).code, 'SERVER_UNAVAILABLE');
    assert.equal(m(new McpError(ErrorCode.RequestTimeout, 'Request timed out')).code, 'SERVER_TIMEOUT');
    assert.equal(m(new Error('This operation was aborted'), true).code, 'SERVER_TIMEOUT');
    assert.equal(m(new McpError(ErrorCode.InvalidParams, 'Tool x not found')).code, 'INVALID_ARGUMENT');
    assert.equal(m(new McpError(ErrorCode.MethodNotFound, 'Method not found')).code, 'SERVER_PROTOCOL');
    assert.equal(m(new McpError(ErrorCode.InternalError, 'oops')).code, 'internal');
    for (const c of ['SERVER_UNAVAILABLE', 'SERVER_TIMEOUT'] as const) assert.equal(isRetryableFailure(new OversightError(c, '')), true);
    assert.equal(isRetryableFailure(new OversightError('SERVER_PROTOCOL', '')), false);
    assert.equal(isBreakerFailure(new OversightError('SERVER_PROTOCOL', '')), true);
  });

  it('a server stopped on purpose is neither retried nor a breaker failure', () => {
    const e = unavailable('installer', 'it was stopped', undefined, { final: true });
    assert.equal(e.code, 'SERVER_UNAVAILABLE');
    assert.equal(isRetryableFailure(e), false);
    assert.equal(isBreakerFailure(e), false);
  });
});

describe('mapPolicyError', () => {
  const info = { retryAfterMs: 1500, maxConcurrent: 2, maxQueue: 3 };
  it('an open breaker is CIRCUIT_OPEN with the time to the next trial; a full bulkhead is QUEUE_FULL', () => {
    const open = mapPolicyError('installer', new BrokenCircuitError(), info) as OversightError;
    assert.equal(open.code, 'CIRCUIT_OPEN');
    assert.equal(open.details['retryAfterMs'], 1500);
    const full = mapPolicyError('installer', new BulkheadRejectedError(2, 3), info) as OversightError;
    assert.equal(full.code, 'QUEUE_FULL');
    const other = new Error('x');
    assert.equal(mapPolicyError('installer', other, info), other);
  });
});
