import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';

export interface RemoteConnection {
  client: Client;
  transport: Transport;
  used: 'streamable-http' | 'sse';
}

/** A fetch body exceeded its cap: the probe reports `too-large`. */
export class ResponseTooLarge extends Error {}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `fetch` for an untrusted server: every request is tied to the probe's signal (a timeout or a
 * cancellation aborts in-flight requests and SSE streams), and a response body longer than
 * `maxBytes` errors out instead of being buffered whole (the SDK reads JSON bodies in one go).
 * An SSE stream counts all its events together: over a probe's few requests that is the size of
 * what the server sent.
 */
export function boundedFetch(signal: AbortSignal, maxBytes: number, onTooLarge: (e: ResponseTooLarge) => void): FetchLike {
  return async (url, init) => {
    const res = await fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
    if (!res.body || NULL_BODY.has(res.status)) return res;
    let seen = 0;
    const body = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          seen += chunk.byteLength;
          if (seen <= maxBytes) ctl.enqueue(chunk);
          else {
            const e = new ResponseTooLarge(`the server sent a response of more than ${maxBytes} bytes`);
            onTooLarge(e);
            ctl.error(e);
          }
        },
      }),
    );
    const capped = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    // The SDK reads `url` when it explains a redirect it did not follow.
    Object.defineProperty(capped, 'url', { value: res.url });
    return capped;
  };
}

/**
 * Connects (and so `initialize`s) as a current client does: a `streamable-http` entry tries
 * Streamable HTTP and, when that POST is refused with a 4xx, falls back to the deprecated HTTP+SSE
 * transport (the backwards-compatibility procedure of the MCP spec and the SDK's example client); an
 * `sse` entry uses SSE directly. A fresh Client for the fallback: a failed connect closes the first.
 */
export async function connectRemote(
  newClient: () => Client,
  url: string,
  headers: Record<string, string>,
  configured: 'streamable-http' | 'sse',
  fetchFn: FetchLike,
  request: RequestOptions,
  onTransport: (t: Transport) => void,
): Promise<RemoteConnection> {
  const endpoint = new URL(url);
  const requestInit: RequestInit = { headers };
  if (configured === 'streamable-http') {
    const client = newClient();
    const transport = new StreamableHTTPClientTransport(endpoint, { requestInit, fetch: fetchFn });
    onTransport(transport);
    try {
      await client.connect(transport, request);
      return { client, transport, used: 'streamable-http' };
    } catch (e) {
      if (!(e instanceof StreamableHTTPError) || e.code === undefined || e.code < 400 || e.code >= 500) throw e;
      const sse = await connectSse(newClient, endpoint, requestInit, fetchFn, request, onTransport).catch((sseError: unknown) => {
        throw new Error(`Streamable HTTP: HTTP ${e.code}: ${e.message}; SSE fallback: ${sseError instanceof Error ? sseError.message : String(sseError)}`, { cause: sseError });
      });
      return sse;
    }
  }
  return connectSse(newClient, endpoint, requestInit, fetchFn, request, onTransport);
}

async function connectSse(
  newClient: () => Client,
  endpoint: URL,
  requestInit: RequestInit,
  fetchFn: FetchLike,
  request: RequestOptions,
  onTransport: (t: Transport) => void,
): Promise<RemoteConnection> {
  const client = newClient();
  const transport = new SSEClientTransport(endpoint, { requestInit, fetch: fetchFn });
  onTransport(transport);
  await client.connect(transport, request);
  return { client, transport, used: 'sse' };
}
