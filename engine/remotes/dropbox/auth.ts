// Connecting Dropbox from the desktop app: OAuth 2 authorization code flow
// with PKCE (a public client: no app secret ships with Casevault) and a
// loopback redirect. A one-shot HTTP listener on 127.0.0.1 receives the
// browser's redirect, checks `state`, exchanges the code (with the
// code_verifier) at the token endpoint and hands back the refresh token.
// Opening the browser is the caller's job (openUrl).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DropboxSignInOptions {
  /** The registered app's key (client_id). */
  appKey: string;
  /** Shows the authorize URL to the person (opens the browser, prints it...). */
  openUrl(url: string): void | Promise<void>;
  /**
   * Send the authorize page and the token request to this base URL
   * (http://127.0.0.1:PORT) instead of Dropbox: for local test servers.
   */
  apiBaseUrl?: string;
  /** Loopback port for the redirect; 0 (default) picks a free one. Dropbox matches redirect URIs exactly, so a registered URI needs a fixed port. */
  port?: number;
  /** Path of the redirect URI. Default "/dropbox-auth". */
  redirectPath?: string;
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

export interface DropboxSignInResult {
  refreshToken: string;
  /** Dropbox account ID, when the token endpoint gives one. */
  accountId?: string;
}

/** The person declined, the wait timed out or was cancelled, or Dropbox refused the code. */
export class DropboxSignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DropboxSignInError';
  }
}

const AUTHORIZE_URL = 'https://www.dropbox.com/oauth2/authorize';
const TOKEN_URL = 'https://api.dropboxapi.com/oauth2/token';

export interface PkcePair {
  verifier: string;
  challenge: string;
}

/** RFC 7636: a 43..128-character verifier and its S256 challenge. */
export function createPkcePair(): PkcePair {
  const verifier = randomBytes(64).toString('base64url'); // 86 characters
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function buildAuthorizeUrl(p: { appKey: string; redirectUri: string; state: string; codeChallenge: string; apiBaseUrl?: string }): string {
  const u = new URL(p.apiBaseUrl ? `${p.apiBaseUrl.replace(/\/+$/, '')}/oauth2/authorize` : AUTHORIZE_URL);
  u.searchParams.set('client_id', p.appKey);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('redirect_uri', p.redirectUri);
  u.searchParams.set('state', p.state);
  u.searchParams.set('token_access_type', 'offline');
  u.searchParams.set('code_challenge', p.codeChallenge);
  u.searchParams.set('code_challenge_method', 'S256');
  return u.toString();
}

/** Exchanges an authorization code for tokens (PKCE: code_verifier, no client secret). */
export async function exchangeDropboxCode(p: {
  appKey: string;
  code: string;
  verifier: string;
  redirectUri: string;
  apiBaseUrl?: string;
}): Promise<DropboxSignInResult> {
  const url = p.apiBaseUrl ? `${p.apiBaseUrl.replace(/\/+$/, '')}/oauth2/token` : TOKEN_URL;
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: p.code,
    client_id: p.appKey,
    code_verifier: p.verifier,
    redirect_uri: p.redirectUri,
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(60_000),
    });
  } catch {
    throw new DropboxSignInError('could not reach Dropbox to finish signing in; check the connection and try again');
  }
  let json: Record<string, unknown> = {};
  try {
    json = (await res.json()) as Record<string, unknown>;
  } catch {
    // handled below
  }
  if (!res.ok) {
    const err = typeof json.error === 'string' && /^[a-z_]+$/.test(json.error) ? ` (${json.error})` : '';
    throw new DropboxSignInError(`Dropbox refused the sign-in${err}; try connecting again`);
  }
  if (typeof json.refresh_token !== 'string' || json.refresh_token === '') {
    throw new DropboxSignInError('Dropbox gave no long-lived sign-in (refresh token); try connecting again');
  }
  return {
    refreshToken: json.refresh_token,
    ...(typeof json.account_id === 'string' ? { accountId: json.account_id } : {}),
  };
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Casevault</title>' +
    '<style>body{font:18px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}</style></head>' +
    `<body><h1>${title}</h1><p>${text}</p></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(html);
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Runs the whole sign-in: listens on 127.0.0.1, calls openUrl with the
 * authorize URL, waits for the redirect, exchanges the code. Resolves to the
 * refresh token; the listener is closed in every case.
 */
export async function signInToDropbox(opts: DropboxSignInOptions): Promise<DropboxSignInResult> {
  const redirectPath = opts.redirectPath ?? '/dropbox-auth';
  if (!redirectPath.startsWith('/')) throw new Error('internal error: the redirect path must start with /');
  const { verifier, challenge } = createPkcePair();
  const state = randomBytes(24).toString('base64url');

  let port = 0;
  let settle: { resolve(v: DropboxSignInResult): void; reject(e: Error): void } | undefined;
  const outcome = new Promise<DropboxSignInResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  outcome.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
  let busy = false;

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      page(res, 400, 'Not here', 'This address only finishes a Casevault sign-in.');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method !== 'GET' || url.pathname !== redirectPath) {
      page(res, 404, 'Not found', 'This address only finishes a Casevault sign-in.');
      return;
    }
    const q = url.searchParams;
    // Anything without our state is not the redirect we are waiting for (or forged): refuse it, keep waiting.
    if (!sameString(q.get('state') ?? '', state)) {
      page(res, 400, 'Sign-in not recognised', 'This link is not from the sign-in Casevault started. Go back to Casevault and connect Dropbox again.');
      return;
    }
    if (busy) {
      page(res, 409, 'Already working', 'Casevault is already finishing this sign-in.');
      return;
    }
    busy = true;
    const error = q.get('error');
    const code = q.get('code');
    if (error !== null || code === null || code === '') {
      page(res, 200, 'Dropbox was not connected', 'You can close this tab and go back to Casevault.');
      settle!.reject(
        new DropboxSignInError(
          error === 'access_denied'
            ? 'Dropbox access was not allowed; connect Dropbox again to try once more'
            : 'Dropbox did not finish the sign-in; try connecting again',
        ),
      );
      return;
    }
    try {
      const result = await exchangeDropboxCode({
        appKey: opts.appKey,
        code,
        verifier,
        redirectUri: `http://127.0.0.1:${port}${redirectPath}`,
        apiBaseUrl: opts.apiBaseUrl,
      });
      page(res, 200, 'Dropbox is connected', 'You can close this tab and go back to Casevault.');
      settle!.resolve(result);
    } catch (e) {
      page(res, 200, 'Dropbox was not connected', 'Something went wrong. You can close this tab and try again from Casevault.');
      settle!.reject(e instanceof DropboxSignInError ? e : new DropboxSignInError('the Dropbox sign-in failed; try connecting again'));
    }
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) page(res, 500, 'Something went wrong', 'Go back to Casevault and try again.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  const timer = setTimeout(
    () => settle!.reject(new DropboxSignInError('the Dropbox sign-in took too long; try connecting again')),
    opts.timeoutMs ?? 10 * 60_000,
  );
  const onAbort = () => settle!.reject(new DropboxSignInError('the Dropbox sign-in was cancelled'));
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const authorizeUrl = buildAuthorizeUrl({
      appKey: opts.appKey,
      redirectUri: `http://127.0.0.1:${port}${redirectPath}`,
      state,
      codeChallenge: challenge,
      apiBaseUrl: opts.apiBaseUrl,
    });
    try {
      await opts.openUrl(authorizeUrl);
    } catch {
      settle!.reject(new DropboxSignInError('could not show the Dropbox sign-in page'));
    }
    return await outcome;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
