// Browser mode's defences (test catalogue 34-37), against the real server.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startBrowserServer, UnlockThrottle } from '../../engine/transport/server.js';
import { PASSPHRASE } from '../helpers/cli.js';
import { makeVault } from '../helpers/vault.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...o.headers } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end(o.body);
  });
}

let cookie = '';

const { root, engine } = await makeVault();
const ui = join(root, 'ui');
await mkdir(ui);
await writeFile(join(ui, 'index.html'), '<!doctype html><title>Casevault</title>');
const server = await startBrowserServer(engine, { staticDir: ui, now: () => 0 }); // the throttle's clock held still: what it refuses depends on counts, never on speed
const origin = `http://127.0.0.1:${server.port}`;
after(() => server.close());

const api = (method: string, body: unknown, headers: Record<string, string> = {}) =>
  call(server.port, `/api/${method}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie, ...headers },
  });

test('the launch token works once, becomes an HttpOnly SameSite=Strict cookie, and is stripped from the address', async () => {
  const token = new URL(server.url).searchParams.get('token')!;
  assert.equal(token.length, 64);
  assert.equal((await call(server.port, '/')).status, 401);
  assert.equal((await call(server.port, '/?token=0000')).status, 403);
  const first = await call(server.port, `/?token=${token}`);
  assert.equal(first.status, 303);
  assert.equal(first.headers.location, '/');
  const setCookie = String(first.headers['set-cookie']);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  cookie = setCookie.split(';')[0]!;
  assert.equal((await call(server.port, `/?token=${token}`)).status, 403, 'a second use is refused');
  const page = await call(server.port, '/', { headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(page.headers['referrer-policy'], 'no-referrer');
});

test('a launch link opened from another site or a file gets a page that moves to / from this origin (so the Strict cookie goes with it)', async () => {
  const again = await startBrowserServer(engine, { staticDir: ui, now: () => 0 });
  try {
    const r = await call(again.port, new URL(again.url).pathname + new URL(again.url).search, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    assert.equal(r.status, 200);
    assert.match(r.body, /http-equiv="refresh" content="0;url=\/"/);
    assert.match(String(r.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  } finally {
    await again.close();
  }
});

test('the icon a browser asks for on every page is an empty answer, not a 404 logged as an error', async () => {
  const r = await call(server.port, '/favicon.ico');
  assert.equal(r.status, 204);
  assert.equal(r.body, '');
});

test('an unknown Host is refused (DNS rebinding)', async () => {
  const r = await call(server.port, '/', { headers: { Host: 'rebind.evil.example', Cookie: cookie } });
  assert.equal(r.status, 403);
});

test('cross-origin and non-JSON state changes are refused, with no CORS header', async () => {
  const evil = await api('lock', {}, { Origin: 'https://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers['access-control-allow-origin'], undefined);
  const noOrigin = await call(server.port, '/api/lock', { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json', Cookie: cookie } });
  assert.equal(noOrigin.status, 403);
  const plain = await api('lock', {}, { 'Content-Type': 'text/plain' });
  assert.equal(plain.status, 415);
  const noCookie = await api('status', {}, { Cookie: '' });
  assert.equal(noCookie.status, 401);
  assert.equal((await call(server.port, '/api/status', { headers: { Cookie: cookie } })).status, 405, 'GETs change nothing');
});

test('the API validates arguments and answers with kinds and plain messages', async () => {
  const status = JSON.parse((await api('status', {})).body);
  assert.equal(status.ok, true);
  assert.equal(status.value.locked, true);
  assert.deepEqual(JSON.parse((await api('status', { extra: 1 })).body).error.kind, 'usage');
  assert.deepEqual(JSON.parse((await api('nope', {})).body).error.kind, 'usage');
  assert.deepEqual(JSON.parse((await api('unlock', { passphrase: 42 })).body).error.kind, 'usage');
  const wrong = JSON.parse((await api('unlock', { passphrase: 'not it at all' })).body);
  assert.equal(wrong.error.kind, 'wrong-secret');
  assert.equal(JSON.parse((await api('unlock', { passphrase: PASSPHRASE })).body).ok, true);
  assert.equal(JSON.parse((await api('status', {})).body).value.locked, false);
  assert.equal(JSON.parse((await api('lock', {})).body).ok, true);
});

test('static files cannot escape the UI folder', async () => {
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
    assert.equal((await call(server.port, p, { headers: { Cookie: cookie } })).status, 404, p);
  }
});

test('unlock attempts are rate-limited after five failures; an attempt counts from the moment it arrives', () => {
  let now = 0;
  const t = new UnlockThrottle(() => now);
  for (let i = 0; i < 5; i++) assert.equal(t.reserve(), 0);
  for (let i = 0; i < 5; i++) t.settle('wrong');
  assert.equal(t.retryAfterMs(), 0);
  assert.equal(t.reserve(), 0);
  assert.equal(t.retryAfterMs(), 1000, 'the sixth attempt is checked, and the next must wait');
  assert.equal(t.reserve(), 1000, 'refused before its passphrase is checked');
  now += 1000;
  assert.equal(t.reserve(), 0);
  assert.equal(t.retryAfterMs(), 2000);
  now += 5000;
  t.settle('not-checked');
  assert.equal(t.reserve(), 0, 'a request that checked nothing was given back');
  t.settle('unlocked');
  assert.equal(t.retryAfterMs(), 0);
  assert.equal(t.reserve(), 0);
});

test('twenty wrong passphrases sent at once: only the free tries and one more are checked, the rest refused before Argon2', async () => {
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api('unlock', { passphrase: `wrong guess number ${i}` })));
  const checked = answers.filter((a) => a.status === 200);
  assert.ok(
    checked.every((a) => JSON.parse(a.body).error.kind === 'wrong-secret'),
    'every checked guess was wrong',
  );
  assert.equal(checked.length, 6, `${checked.length} of 20 guesses were checked`);
  assert.ok(answers.filter((a) => a.status === 429).every((a) => Number(a.headers['retry-after']) >= 1));
});
