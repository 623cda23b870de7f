// The desktop app opens one outside address, in the person's browser: Dropbox's sign-in page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDropboxSignInUrl } from '../../electron/policy.js';

test("only Dropbox's sign-in page over https is opened outside the app", () => {
  assert.ok(isDropboxSignInUrl('https://www.dropbox.com/oauth2/authorize?client_id=x&response_type=code'));
  for (const bad of [
    'http://www.dropbox.com/oauth2/authorize',
    'https://www.dropbox.com.evil.example/oauth2/authorize',
    'https://evil.example/oauth2/authorize',
    'https://user@www.dropbox.com/oauth2/authorize',
    'https://www.dropbox.com/home',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
  ]) {
    assert.equal(isDropboxSignInUrl(bad), false, bad);
  }
});
