import { describe, expect, it } from 'vitest';
import { upstreamFailure } from '../src/main/core/providers/upstream-http.js';
import { isEndpointFault } from '../src/main/core/router/retry-policy.js';

describe('classifying a failed upstream attempt', () => {
  it('maps transport errors by their code', () => {
    const refused = upstreamFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'p');
    expect(refused).toMatchObject({ status: 502, reason: 'upstream_unreachable' });
    const slow = upstreamFailure(Object.assign(new Error('Headers Timeout'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 'p');
    expect(slow).toMatchObject({ status: 408, reason: 'upstream_timeout' });
  });

  // Regression: a bug in the gateway (a plain exception, no transport code) was reported as the
  // provider being unreachable, and counted against the endpoint's health and circuit breaker.
  it('reports an exception of the gateway itself as an opaque internal error that is no fault of the endpoint', () => {
    const bug = upstreamFailure(new RangeError('Maximum call stack size exceeded'), 'p');
    expect(bug).toMatchObject({ status: 500, reason: 'internal_error' });
    expect(bug.message).not.toContain('call stack');
    expect(isEndpointFault(bug.reason, bug.status)).toBe(false);
  });

  it('reports a cancelled request as cancelled whatever the error', () => {
    const controller = new AbortController();
    controller.abort();
    expect(upstreamFailure(new Error('aborted'), 'p', controller.signal)).toMatchObject({ status: 499, reason: 'cancelled' });
  });
});
