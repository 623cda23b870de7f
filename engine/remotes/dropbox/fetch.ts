// The fetch the Dropbox SDK and the remote's own downloads go through:
// node-fetch (the SDK needs res.buffer()), a timeout per request, and, for
// test servers, Dropbox's hosts rewritten to a local base URL.
import nodeFetch, { type RequestInit as NodeFetchInit } from 'node-fetch';

const DROPBOX_HOST = /^https:\/\/(api|content|notify)\.dropboxapi\.com(?=\/)/;

/**
 * A fetch with Dropbox's hosts rewritten to `apiBaseUrl`. Each request gets
 * `timeoutMs`, plus time for its body at 64 KB/s (a large upload on a slow
 * line); downloads, whose size is not known here, get at least an hour.
 */
export function dropboxFetch(apiBaseUrl: string | undefined, timeoutMs: number) {
  const base = apiBaseUrl?.replace(/\/+$/, '');
  if (base !== undefined && !/^https?:\/\/[^/]+$/.test(base)) {
    throw new Error('the Dropbox API URL must look like http://127.0.0.1:PORT');
  }
  return (url: string, init?: NodeFetchInit) => {
    let target = url;
    if (base !== undefined) {
      if (!DROPBOX_HOST.test(url)) return Promise.reject(new Error('unexpected Dropbox host'));
      target = url.replace(DROPBOX_HOST, base);
    }
    const body = init?.body;
    const bodyBytes = Buffer.isBuffer(body) ? body.length : typeof body === 'string' ? Buffer.byteLength(body) : 0;
    const timeout = /\/2\/files\/download$/.test(url) ? Math.max(timeoutMs, 3_600_000) : timeoutMs + Math.ceil(bodyBytes / 64);
    return nodeFetch(target, { ...init, timeout });
  };
}
