// The desktop app's Dropbox sign-in, in two calls so a page can show the
// address in between: start() answers the authorize address to open in a
// browser; wait() resolves once Dropbox has sent the person back (the
// loopback sign-in in remotes/dropbox-auth.ts). The credentials stay in
// memory until the vault is created with them or they are stored sealed.
import type { DropboxCredentials } from '../open-cloud.js';
import { Refused, UsageError } from '../../errors.js';
import { DropboxSignInError, signInToDropbox } from './auth.js';

export class DropboxConnect {
  private pending: { outcome: Promise<DropboxCredentials>; stop: AbortController } | undefined;
  private signedIn: DropboxCredentials | undefined;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** Begins a sign-in (cancelling one under way) and answers the address to open. */
  async start(): Promise<{ url: string }> {
    const appKey = this.env.CASEVAULT_DROPBOX_APP_KEY;
    if (!appKey)
      throw new UsageError(
        'this copy of Casevault has no Dropbox app key (CASEVAULT_DROPBOX_APP_KEY), so it cannot connect to Dropbox; use a folder that syncs instead, or ask whoever set it up',
      );
    this.cancel();
    const stop = new AbortController();
    let shown!: (url: string) => void;
    const url = new Promise<string>((r) => (shown = r));
    const outcome = signInToDropbox({
      appKey,
      openUrl: shown,
      signal: stop.signal,
      ...(this.env.CASEVAULT_DROPBOX_API_URL ? { apiBaseUrl: this.env.CASEVAULT_DROPBOX_API_URL } : {}),
    }).then(
      (r) => ({ appKey, refreshToken: r.refreshToken }),
      (e: unknown) => {
        throw e instanceof DropboxSignInError ? new Refused(e.message) : e;
      },
    );
    outcome.catch(() => {}); // wait() reports it
    this.pending = { outcome, stop };
    return { url: await Promise.race([url, outcome.then(() => url)]) };
  }

  /** Until the person has allowed Casevault in Dropbox (or declined, or ten minutes passed). */
  async wait(): Promise<DropboxCredentials> {
    const p = this.pending;
    if (!p) throw new UsageError('start the Dropbox sign-in first');
    try {
      this.signedIn = await p.outcome;
      return this.signedIn;
    } finally {
      if (this.pending === p) this.pending = undefined;
    }
  }

  /** The finished sign-in's credentials, handed over once. */
  take(): DropboxCredentials | undefined {
    const c = this.signedIn;
    this.signedIn = undefined;
    return c;
  }

  cancel(): void {
    this.pending?.stop.abort();
    this.pending = undefined;
  }
}
