// Getting the command connected to the vault's cloud: a Dropbox sign-in in a
// terminal, or an unlock to open the stored one.
import type { Ctx } from './context.js';
import { unlockSecret } from './prompt.js';
import { type CloudSpec, Failure } from '../contract/index.js';
import { dropboxFromEnv, signInToDropbox, type DropboxCredentials, type Engine } from '../engine/index.js';

/** For `init`/`recover --cloud dropbox`: the environment's sign-in, or one made now in the browser. */
export async function dropboxSignIn(ctx: Ctx, cloud: CloudSpec): Promise<DropboxCredentials | undefined> {
  if (cloud.kind !== 'dropbox' || dropboxFromEnv(ctx.io.env)) return undefined;
  const appKey = ctx.io.env.CASEVAULT_DROPBOX_APP_KEY;
  if (!appKey || !ctx.io.stdin.isTTY) {
    throw new Failure(
      'usage',
      'connecting to Dropbox needs a sign-in: set CASEVAULT_DROPBOX_APP_KEY (and CASEVAULT_DROPBOX_REFRESH_TOKEN for unattended use), then run the command in a terminal',
    );
  }
  const { refreshToken } = await signInToDropbox({
    appKey,
    ...(ctx.io.env.CASEVAULT_DROPBOX_API_URL ? { apiBaseUrl: ctx.io.env.CASEVAULT_DROPBOX_API_URL } : {}),
    openUrl: (url) => {
      ctx.out('Open this address in your browser and allow Casevault to use its own Dropbox folder:');
      ctx.out(url);
    },
  });
  return { appKey, refreshToken };
}

/** Before a sync: if the Dropbox sign-in is stored encrypted, unlock once to open it, then lock again. */
export async function connectCloud(ctx: Ctx, engine: Engine): Promise<void> {
  if (!(await engine.needsUnlockToConnect())) return;
  await engine.unlock(await unlockSecret(ctx.io));
  try {
    await engine.connect();
  } finally {
    await engine.lock();
  }
}
