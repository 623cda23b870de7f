// The S3 choice in first run (happy-dom, over a fake transport): a bucket
// address that is not s3://BUCKET/PREFIX is refused in one sentence before
// anything is sent; a good one sends the cloud's location and the
// connection typed (the secret as typed, an empty endpoint left out); and a
// folder cloud with backups at an s3:// address asks for the connection too;
// Recover offers the same choice.
import { bridge, calls } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FirstRun } from '../../renderer/src/FirstRun.js';

afterEach(cleanup);

const type = (label: RegExp | string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const PASS = 'copper lantern meadow quietly ninety';

function fillCommon() {
  type(/^Vault folder/, '/home/a/Cases');
  type(/^Passphrase \(four/, PASS);
  type('Type the passphrase again', PASS);
}

test("first run's S3 choice: the bucket address is checked, then the location and the connection are sent", async () => {
  bridge({ passphraseStrength: () => ({ ok: true, score: 4, reason: '' }), init: () => ({ recoveryKey: 'words' }) });
  render(<FirstRun onDone={() => {}} />);
  fillCommon();
  fireEvent.click(screen.getByLabelText("The union's object storage (S3)"));
  assert.equal(screen.queryByLabelText(/^Cloud folder/), null, 'no cloud folder to give');
  screen.getByText(/^The union's storage administrator gives you these/);
  type(/^Bucket address/, 'https://union/bucket');
  type(/^Region/, 'eu-west-2');
  type(/^Access key ID/, 'AKIDALICE');
  type(/^Secret access key/, 'alice-secret');
  assert.equal((screen.getByLabelText(/^Secret access key/) as HTMLInputElement).type, 'password');
  fireEvent.click(screen.getByRole('button', { name: 'Create vault' }));
  assert.equal((await screen.findByRole('alert')).textContent, 'An S3 location is written s3://BUCKET/PREFIX.');
  assert.equal(calls.filter((c) => c.method === 'init').length, 0, 'nothing sent');

  type(/^Bucket address/, 's3://union-casevault/branch-7/alice/');
  fireEvent.click(screen.getByRole('button', { name: 'Create vault' }));
  await screen.findByTestId('recovery-key');
  assert.deepEqual(calls.find((c) => c.method === 'init')?.params, {
    vaultDir: '/home/a/Cases',
    cloud: { kind: 's3', bucket: 'union-casevault', prefix: 'branch-7/alice' },
    passphrase: PASS,
    s3: { region: 'eu-west-2', accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' },
  });
});

test('first run: a folder cloud with backups at an s3:// address asks for the connection too', async () => {
  bridge({ passphraseStrength: () => ({ ok: true, score: 4, reason: '' }), init: () => ({ recoveryKey: 'words' }) });
  render(<FirstRun onDone={() => {}} />);
  fillCommon();
  type(/^Cloud folder/, '/home/a/Dropbox/Casevault');
  assert.equal(screen.queryByLabelText(/^Access key ID/), null, 'no S3 fields for a folder cloud and folder backups');
  type(/^Backup folder/, 's3://union-backups/alice');
  assert.equal(screen.queryByLabelText(/^Bucket address/), null, 'the backup address is the bucket');
  type(/^Storage server address/, 'https://s3.union.example');
  type(/^Access key ID/, 'AKIDALICE');
  type(/^Secret access key/, 'alice-secret');
  fireEvent.click(screen.getByRole('button', { name: 'Create vault' }));
  await screen.findByTestId('recovery-key');
  assert.deepEqual(calls.find((c) => c.method === 'init')?.params, {
    vaultDir: '/home/a/Cases',
    cloud: { kind: 'folder', dir: '/home/a/Dropbox/Casevault' },
    backupDir: 's3://union-backups/alice',
    passphrase: PASS,
    s3: { endpoint: 'https://s3.union.example', region: 'us-east-1', accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' },
  });
});

test('Recover offers the same S3 choice and sends the location and the connection', async () => {
  bridge({ recover: () => ({ restored: 2, bytes: 10, failed: [], lastChanged: null }) });
  render(<FirstRun onDone={() => {}} />);
  fireEvent.click(screen.getByRole('button', { name: 'Already have a vault? Recover it on this computer' }));
  fireEvent.click(screen.getByLabelText("The union's object storage (S3)"));
  assert.equal(screen.queryByLabelText(/^Cloud folder/), null);
  type(/^Bucket address/, 's3://union-casevault/alice');
  type(/^Access key ID/, 'AKIDALICE');
  type(/^Secret access key/, 'alice-secret');
  type(/^New \(or empty\) folder/, '/home/a/Cases');
  type(/^Passphrase/, PASS);
  fireEvent.click(screen.getByRole('button', { name: 'Recover my vault' }));
  await screen.findByText(/^2 files are back in \/home\/a\/Cases\./);
  assert.deepEqual(calls.find((c) => c.method === 'recover')?.params, {
    cloud: { kind: 's3', bucket: 'union-casevault', prefix: 'alice' },
    vaultDir: '/home/a/Cases',
    secret: { passphrase: PASS },
    s3: { region: 'us-east-1', accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret' },
  });
});
