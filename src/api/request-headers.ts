/**
 * The request headers the API reads, in one pass over `rawHeaders` (as sent: names in any case, every
 * repeat kept). Reading `req.headers` instead builds an object of every header on each request, and
 * hides repeats the API must refuse: Node keeps the first Host and Authorization, and joins X-API-Key
 * values with ", ". Every header sent is read, also past the server's `maxHeadersCount` (where
 * `req.headers` stops): a repeat cannot hide behind a hundred others, and a credential there is the
 * client's own choice.
 */
export interface RequestHeaders {
  host: string | undefined;
  authorization: string | undefined;
  apiKey: string | undefined;
  /** X-Request-Id when sent once (a repeat is as if none was sent: the server makes one up). */
  requestId: string | undefined;
  /** How often each credential-bearing or routing header appeared (more than once is refused). */
  count: { host: number; authorization: number; apiKey: number };
}

export function scanHeaders(raw: readonly string[]): RequestHeaders {
  const h: RequestHeaders = { host: undefined, authorization: undefined, apiKey: undefined, requestId: undefined, count: { host: 0, authorization: 0, apiKey: 0 } };
  let requestIds = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // By length first: most headers are none of these, and need no lower-cased copy.
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') {
          if (h.count.host++ === 0) h.host = value;
        }
        break;
      case 9:
        if (name.toLowerCase() === 'x-api-key') {
          if (h.count.apiKey++ === 0) h.apiKey = value;
        }
        break;
      case 12:
        if (name.toLowerCase() === 'x-request-id') {
          if (requestIds++ === 0) h.requestId = value;
        }
        break;
      case 13:
        if (name.toLowerCase() === 'authorization') {
          if (h.count.authorization++ === 0) h.authorization = value;
        }
        break;
    }
  }
  if (requestIds > 1) h.requestId = undefined;
  return h;
}
