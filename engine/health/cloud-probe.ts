// How the vault's health reaches the cloud: one read of its key file, with
// a deadline, so that a cloud that does not answer (Dropbox offline, a
// share that hangs) is reported as such within seconds instead of holding
// Home's status up; and at most one read at a time, so a page asking every
// few seconds never piles up requests behind a slow one (a new question
// joins the read under way: joined-read.ts). The read's retries stop at the
// deadline too (retry.ts: withinDeadline), so nothing goes on asking a busy
// cloud after the answer is given. Nothing is kept between reads: each
// answer is what the cloud said just now.
import type { FailureInfo } from '../../contract/index.js';
import { failureOf, Unreachable } from '../errors.js';
import { cloudKeyProblem, readCloudKeyFile, type CloudKeyCheck, type CloudKeyState } from '../keys/cloud-key-file.js';
import { withinDeadline } from '../remotes/retry.js';
import { JoinedRead } from './joined-read.js';

export interface CloudProbe {
  /** What the cloud's key file is, when it could be read. */
  state?: CloudKeyState;
  /** Why the cloud could not be read, or why nothing may be written to it now. */
  failure?: FailureInfo;
}

/** Long enough for a key file (a few hundred bytes) over a slow connection; short enough not to hold a page up. */
export const PROBE_DEADLINE_MS = 5000;

export class CloudProber {
  private readonly joined: JoinedRead<CloudProbe>;

  constructor(deadlineMs = PROBE_DEADLINE_MS) {
    this.joined = new JoinedRead(deadlineMs);
  }

  /** `check` connects (a Dropbox sign-in may need the vault unlocked: that is the answer then); `where` names the cloud in the deadline's sentence. */
  probe(check: () => Promise<CloudKeyCheck>, where: string): Promise<CloudProbe> {
    return this.joined.ask(
      () => withinDeadline(this.joined.deadlineMs, () => read(check)),
      () => {
        const seconds = Math.round(this.joined.deadlineMs / 1000);
        return { failure: new Unreachable(`${where} did not answer within ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`, 'retry').toJSON() };
      },
    );
  }
}

async function read(check: () => Promise<CloudKeyCheck>): Promise<CloudProbe> {
  try {
    const c = await check();
    const { state } = await readCloudKeyFile(c);
    const refusal = cloudKeyProblem(state, c.cloud);
    return { state, ...(refusal ? { failure: refusal.toJSON() } : {}) };
  } catch (e) {
    return { failure: failureOf(e) };
  }
}
