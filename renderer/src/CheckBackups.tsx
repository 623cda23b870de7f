// "Check the backups" (Backups screen): every backup read back and checked
// (verifyBackup). The outcome says whether all is sound; if not, what is
// wrong, which backups restore only in part, and what to do next: back up
// now (and keep the drive for what only it holds), or, once a later backup
// has stored the damaged data again, nothing but watching the drive.
import { call } from './api.js';
import { Problems, ReadBackCard } from './ReadBack.js';
import { count, size } from './text.js';
import type { ApiResult } from '../../contract/index.js';

function Outcome({ r }: { r: ApiResult<'verifyBackup'> }) {
  const checked = `${count(r.snapshots, 'backup')} and ${count(r.packs, 'pack')} of data read back and checked (${size(r.bytes)}).`;
  if (r.bad.length === 0) {
    return (
      <p className="state synced" role="status" data-testid="check-backups-result">
        All sound: {checked}
      </p>
    );
  }
  if (r.bad.every((b) => b.healed)) {
    return (
      <p className="state waiting" role="status" data-testid="check-backups-result">
        Every backup restores in full. Part of the backup folder was damaged or lost (the drive altered or lost it), but a later backup stored all of that data
        again, so nothing needs it any more; what is left of it stays in the folder, unused. If the drive damages or loses data again, replace it. {checked}
      </p>
    );
  }
  const partial = r.damagedSnapshots.length;
  return (
    <div role="alert" data-testid="check-backups-result">
      <p className="state failed">
        {count(r.bad.length, 'problem')} found in the backup folder: damaged, tampered with or missing data. {checked}
      </p>
      <Problems items={r.bad.map((b) => ({ key: b.item, text: `${b.item}: ${b.reason}` }))} />
      {partial > 0 && (
        <p>
          {partial === 1 ? '1 backup restores' : `${partial} backups restore`} only in part: restoring {partial === 1 ? 'it' : 'them'} recovers every other
          file.
        </p>
      )}
      <p>Back up now, so that your files as they are today are in a sound backup, and keep this drive for the files only it holds.</p>
    </div>
  );
}

export function CheckBackups({ onChecked }: { onChecked: () => void }) {
  return (
    <ReadBackCard
      title="Check the backups"
      about="Reads every backup back from the backup folder and checks it, so damage on the drive is found before a restore needs it."
      unit="pack"
      check={() => call('verifyBackup', {})}
      outcome={(r) => <Outcome r={r} />}
      onChecked={onChecked}
    />
  );
}
