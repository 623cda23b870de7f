// Browser mode: the engine's API and the built UI on 127.0.0.1, for machines
// where Electron cannot run, and for end-to-end tests in a real browser.
// Defences (research/security.md §3): loopback bind and peers only; Host
// allow-list (DNS rebinding); Origin checked on every state change; a
// one-time launch token exchanged for an HttpOnly SameSite=Strict cookie and
// stripped from the URL; JSON-only POSTs; no CORS; strict CSP; unlock
// attempts rate-limited.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dispatch } from './dispatch.js';
import { failureOf } from '../errors.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import type { Engine } from '../engine.js';
import { addFileChoice, EVENT_TYPES, type EngineEvents } from '../../contract/index.js';

export interface BrowserServer {
  /** The launch URL, with its one-time token. */
  url: string;
  port: number;
  /** A fresh one-time link (for a person who closed the browser): any earlier link not yet used stops working. */
  newLink(): string;
  close(): Promise<void>;
}

/** The session cookie's name carries the port: cookies are shared across ports, and two servers (two homes) must not overwrite each other's. */
const cookieName = (port: number) => `casevault_session_${port}`;
/** What a browser without the session is told: how to get in again (the server's own window hands out a new link). */
export const NEEDS_LINK =
  'Casevault opens from the link it gives when it starts. To open it again, press Enter in the window where Casevault is running: it gives a new link.';
/** Answers a redeemed link: sets the session, then opens the app from this origin. */
const ENTER_PAGE =
  '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><link rel="icon" href="data:,"><title>Casevault</title>\n';
const MAX_BODY = 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * Exponential delay after repeated failed unlocks: 5 free tries, then 1 s,
 * 2 s, 4 s ... up to 5 minutes. An attempt is reserved (counted as failed)
 * before its passphrase is checked, and given back only if it succeeds or
 * fails for another reason: guesses sent all at once are counted as they
 * arrive, not after their Argon2 runs, so only the free ones get checked.
 */
export class UnlockThrottle {
  private failures = 0;
  private until = 0;
  constructor(private readonly now: () => number = Date.now) {}
  retryAfterMs(): number {
    return Math.max(0, this.until - this.now());
  }
  /** Take an attempt: 0 when it may be checked (counted as failed until settled), else how long to wait first. */
  reserve(): number {
    const wait = this.retryAfterMs();
    if (wait > 0) return wait;
    this.failures++;
    if (this.failures > 5) this.until = this.now() + Math.min(1000 * 2 ** (this.failures - 6), 300_000);
    return 0;
  }
  /** How a reserved attempt ended: a success clears the count; an attempt that checked no secret (a malformed request) is given back. */
  settle(outcome: 'unlocked' | 'wrong' | 'not-checked'): void {
    if (outcome === 'unlocked') {
      this.failures = 0;
      this.until = 0;
    } else if (outcome === 'not-checked') this.failures = Math.max(0, this.failures - 1);
  }
}

/** `now`: the unlock throttle's clock (tests hold it still, so what is refused does not depend on how fast Argon2 runs). */
export async function startBrowserServer(engine: Engine, o: { staticDir: string; port?: number; now?: () => number }): Promise<BrowserServer> {
  let launchToken: string | undefined = randomBytes(32).toString('hex');
  const session = randomBytes(32).toString('hex');
  const throttle = new UnlockThrottle(o.now);
  const staticRoot = await realpath(o.staticDir).catch(() => resolve(o.staticDir));
  let port = 0;

  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      ...extra,
    });
    res.end(body);
  };

  const readBody = (req: IncomingMessage): Promise<unknown> =>
    new Promise((ok, fail) => {
      const chunks: Buffer[] = [];
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
        if (n > MAX_BODY) {
          fail(new Error('too large'));
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        try {
          ok(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
        } catch (e) {
          fail(e);
        }
      });
      req.on('error', fail);
    });

  const serveStatic = async (res: ServerResponse, urlPath: string) => {
    const rel = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath.slice(1));
    const full = resolve(staticRoot, rel);
    if (!full.startsWith(staticRoot + sep) || rel.includes('\0')) return send(res, 404, 'Not found');
    try {
      const real = await realpath(full);
      if (!real.startsWith(staticRoot + sep)) return send(res, 404, 'Not found');
      send(res, 200, await readFile(real), TYPES[extname(real)] ?? 'application/octet-stream');
    } catch {
      if (urlPath === '/') return send(res, 503, "The desktop interface is not built: run `npm run build` in Casevault's folder.");
      send(res, 404, 'Not found');
    }
  };

  const events = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    res.write(': connected\n\n');
    const forward =
      <K extends keyof EngineEvents>(type: K) =>
      (e: EngineEvents[K]) =>
        res.write(`event: ${type}\ndata: ${JSON.stringify(e)}\n\n`);
    const listeners = EVENT_TYPES.map((type) => {
      const fn = forward(type);
      engine.events.on(type, fn);
      return () => engine.events.off(type, fn);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      for (const off of listeners) off();
    });
  };

  const server = createServer(async (req, res) => {
    try {
      if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return send(res, 403, 'Forbidden');
      if (!allowedHosts().includes(req.headers.host ?? '')) return send(res, 403, 'Forbidden');
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins().includes(origin)) return send(res, 403, 'Forbidden');

      // There is no icon; a browser asks for one on every page it shows (the link page, a refusal), and a 404 is logged as an error.
      if (req.method === 'GET' && url.pathname === '/favicon.ico') return send(res, 204, '');
      const cookie = cookieOf(req, cookieName(port));
      const signedIn = cookie !== undefined && same(cookie, session);
      const token = url.searchParams.get('token');
      if (req.method === 'GET' && url.pathname === '/' && token !== null) {
        if (signedIn) return send(res, 303, '', 'text/plain', { Location: '/' }); // an old link in a browser that has the session already
        if (!launchToken || !same(token, launchToken)) return send(res, 403, `This link has been used or has expired. ${NEEDS_LINK}`);
        launchToken = undefined; // works once
        const setCookie = { 'Set-Cookie': `${cookieName(port)}=${session}; HttpOnly; SameSite=Strict; Path=/` };
        // A link opened from elsewhere (the launcher's redirect file) is a cross-site navigation, on whose
        // redirects a browser sends no SameSite=Strict cookie: it gets a page whose own move to '/' starts on
        // this site, so the new cookie goes with it. A link typed or pasted (Sec-Fetch-Site "none") is redirected.
        const fromElsewhere = (req.headers['sec-fetch-site'] ?? 'none') !== 'none' && req.headers['sec-fetch-site'] !== 'same-origin';
        if (fromElsewhere) return send(res, 200, ENTER_PAGE, 'text/html; charset=utf-8', setCookie);
        return send(res, 303, '', 'text/plain', { Location: '/', ...setCookie });
      }
      if (!signedIn) return send(res, 401, NEEDS_LINK);

      if (url.pathname.startsWith('/api/')) {
        if (url.pathname === '/api/events' && req.method === 'GET') return events(req, res);
        if (req.method !== 'POST') return send(res, 405, 'Method not allowed');
        if (origin === undefined) return send(res, 403, 'Forbidden');
        const method = url.pathname.slice('/api/'.length);
        if (method === 'add-file') {
          // A dropped file, streamed: the body is its bytes, the path a query parameter.
          if (!(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) return send(res, 415, 'Bytes only');
          try {
            const choice = addFileChoice.safeParse(url.searchParams.get('ifExists') ?? 'refuse');
            if (!choice.success) return send(res, 400, JSON.stringify({ ok: false, error: { kind: 'usage', message: 'invalid request' } }), 'application/json');
            const added = await engine.addFile(url.searchParams.get('path') ?? '', req, choice.data);
            return send(res, 200, JSON.stringify({ ok: true, value: added }), 'application/json');
          } catch (e) {
            return send(res, 200, JSON.stringify({ ok: false, error: failureOf(e) }), 'application/json');
          }
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'JSON only');
        const wait = method === 'unlock' ? throttle.reserve() : 0;
        if (wait > 0) {
          const seconds = Math.ceil(wait / 1000);
          return send(
            res,
            429,
            JSON.stringify({ ok: false, error: { kind: 'busy', next: 'retry', message: `too many wrong attempts; wait ${seconds} seconds and try again` } }),
            'application/json',
            { 'Retry-After': String(seconds) },
          );
        }
        let params: unknown;
        try {
          params = await readBody(req);
        } catch {
          if (method === 'unlock') throttle.settle('not-checked');
          return send(res, 400, JSON.stringify({ ok: false, error: { kind: 'usage', message: 'invalid request' } }), 'application/json');
        }
        const result = await dispatch(engine, method, params);
        if (method === 'unlock') throttle.settle(result.ok ? 'unlocked' : result.error.kind === 'wrong-secret' ? 'wrong' : 'not-checked');
        return send(res, 200, JSON.stringify(result), 'application/json');
      }
      if (req.method !== 'GET') return send(res, 405, 'Method not allowed');
      return serveStatic(res, url.pathname);
    } catch {
      if (!res.headersSent) send(res, 500, 'Something went wrong.');
      else res.end();
    }
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${launchToken}`,
    port,
    newLink: () => {
      launchToken = randomBytes(32).toString('hex');
      return `http://127.0.0.1:${port}/?token=${launchToken}`;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Where `npm run build` puts the UI: dist/ui. */
export function defaultStaticDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ui');
}
