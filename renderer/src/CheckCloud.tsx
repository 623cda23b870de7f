// "Check the cloud copy" (Settings): every object in the cloud decrypted in
// full (verifyCloud). The outcome says whether all is sound; if not, which
// objects are damaged or missing and that a sync uploads their files again
// (the engine has recorded them), with the button for it; and whether the
// cloud's key file is this vault's: changed on another computer (genuine),
// or missing or not genuine, with the step that mends it.
import { useState } from 'react';
import { call } from './api.js';
import { explain, nextStepText } from './failures.js';
import { Problems, ReadBackCard } from './ReadBack.js';
import { count, size, syncOutcome } from './text.js';
import type { ApiResult } from '../../contract/index.js';

function SyncNow() {
  const [note, setNote] = useState('');
  const sync = () =>
    call('sync').then(
      (r) =>
        setNote(syncOutcome(r, 'Synced: the files of the damaged and missing objects were uploaded again; check again to see.', 'Home lists them and why')),
      (e: unknown) => setNote(explain(e)),
    );
  return (
    <>
      <button type="button" onClick={() => void sync()}>
        Sync now
      </button>
      {note && <p role="status">{note}</p>}
    </>
  );
}

function Outcome({ r }: { r: ApiResult<'verifyCloud'> }) {
  const checked = `${count(r.checked, 'object')} read back and checked (${size(r.bytes)}).`;
  const keyChanged = !r.keyFileMatches && r.keyFileAuthentic === true;
  const keyLine = r.keyFileMatches ? null : keyChanged ? (
    <p>
      The cloud&apos;s key file is genuine but differs from this computer&apos;s copy: the passphrase or recovery key was changed on another computer, or on
      this one by a change that did not finish (make it again). This computer still opens the vault with its own passphrase.
    </p>
  ) : (
    <p className="state failed">
      The cloud&apos;s key file is missing, or is not this vault&apos;s genuine key file (sync refuses to write under it).{' '}
      {nextStepText('restore-cloud-key-file')}
    </p>
  );
  const problems = r.bad.length + r.missing.length;
  if (problems === 0) {
    return (
      <div role="status" data-testid="check-cloud-result">
        <p className={`state ${r.keyFileMatches || keyChanged ? 'synced' : 'failed'}`}>
          {r.keyFileMatches || keyChanged ? 'All sound: ' : ''}
          {checked}
        </p>
        {keyLine}
      </div>
    );
  }
  return (
    <div role="alert" data-testid="check-cloud-result">
      <p className="state failed">
        {count(problems, 'problem')} found in the cloud copy: damaged, tampered with or missing objects. {checked}
      </p>
      <Problems
        items={[
          ...r.bad.map((b) => ({ key: `bad ${b.object}`, text: `${b.object}: ${b.reason}` })),
          ...r.missing.map((m) => ({ key: `missing ${m}`, text: `missing from the cloud: ${m}` })),
        ]}
      />
      {keyLine}
      <p>A sync uploads the vault&apos;s files for these again from this computer; anything the vault folder no longer has can be restored from a backup.</p>
      <SyncNow />
    </div>
  );
}

export function CheckCloud() {
  return (
    <ReadBackCard
      title="Check the cloud copy"
      about="Reads every object in the cloud copy back and decrypts it, so damage or tampering is found before the copy is needed."
      unit="object"
      check={() => call('verifyCloud')}
      outcome={(r) => <Outcome r={r} />}
    />
  );
}
